package dev.verity.receiver;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Signatures in the Standard Webhooks scheme (standardwebhooks.com), which GitLab's signing token uses:
 * {@code webhook-signature: v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">}, several
 * space-separated while the sender rotates keys; the key is the base64 after {@code whsec_}; the timestamp is Unix
 * seconds and must lie within a replay window of now.
 */
public final class StandardWebhookSignature {

    public static final String ID_HEADER = "webhook-id";
    public static final String TIMESTAMP_HEADER = "webhook-timestamp";
    public static final String SIGNATURE_HEADER = "webhook-signature";
    private static final String KEY_PREFIX = "whsec_";

    /** Why a delivery is not authentic, or empty. */
    public enum Problem { MISSING, EXPIRED, MISMATCH }

    private StandardWebhookSignature() {
    }

    /**
     * The HMAC key of a {@code whsec_<base64>} signing secret (the prefix is optional).
     *
     * @throws IllegalArgumentException when the rest is not base64; the message never contains the secret
     */
    public static byte[] key(String secret) {
        String encoded = secret.trim();
        if (encoded.startsWith(KEY_PREFIX)) encoded = encoded.substring(KEY_PREFIX.length());
        byte[] key;
        try {
            key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("a signing key must be whsec_ followed by base64 (as GitLab shows it)");
        }
        if (key.length == 0) throw new IllegalArgumentException("a signing key must not be empty");
        return key;
    }

    /** The {@code webhook-signature} value a sender holding {@code secret} sends. */
    public static String sign(String secret, String id, long timestamp, byte[] body) {
        return "v1," + Base64.getEncoder().encodeToString(hmac(key(secret), id, String.valueOf(timestamp),
                new ByteArrayInputStream(body)));
    }

    /**
     * Checks a delivery's three headers against the keys: empty when one {@code v1} signature matches one key and
     * the timestamp is within {@code window} of {@code now}. Compares in constant time.
     */
    public static Optional<Problem> verify(HookRequest request, List<String> secrets, Instant now, Duration window) {
        Optional<String> id = request.header(ID_HEADER);
        Optional<String> timestamp = request.header(TIMESTAMP_HEADER);
        Optional<String> signatures = request.header(SIGNATURE_HEADER);
        if (id.isEmpty() || timestamp.isEmpty() || signatures.isEmpty()) return Optional.of(Problem.MISSING);
        long seconds;
        try {
            seconds = Long.parseLong(timestamp.get());
        } catch (NumberFormatException e) {
            return Optional.of(Problem.MISMATCH);
        }
        boolean matched = false;
        for (String secret : secrets) {
            byte[] expected = hmac(key(secret), id.get(), timestamp.get(), request.bodyStream());
            for (String signature : signatures.get().split(" ")) {
                if (!signature.startsWith("v1,")) continue;
                byte[] presented;
                try {
                    presented = Base64.getDecoder().decode(signature.substring(3));
                } catch (IllegalArgumentException notBase64) {
                    continue;
                }
                matched |= MessageDigest.isEqual(presented, expected);
            }
        }
        if (!matched) return Optional.of(Problem.MISMATCH);
        // checked after the signature, so a forged timestamp is a mismatch, not "expired"
        long skew = Math.abs(now.getEpochSecond() - seconds);
        if (skew > window.toSeconds()) return Optional.of(Problem.EXPIRED);
        return Optional.empty();
    }

    private static byte[] hmac(byte[] key, String id, String timestamp, InputStream body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8));
            byte[] chunk = new byte[8192];
            for (int n; (n = body.read(chunk)) > 0; ) mac.update(chunk, 0, n);
            return mac.doFinal();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot compute HmacSHA256: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the delivery's body: " + e.getMessage(), e);
        }
    }
}
