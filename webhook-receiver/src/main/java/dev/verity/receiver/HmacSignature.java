package dev.verity.receiver;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * GitHub-style body signatures: {@code sha256=} followed by the lowercase hex HMAC-SHA256 of the raw body, keyed
 * with the webhook secret (UTF-8). GitHub sends it as {@code X-Hub-Signature-256}; Gitea, Forgejo and Bitbucket
 * send the same form.
 */
public final class HmacSignature {

    public static final String PREFIX = "sha256=";
    private static final String ALGORITHM = "HmacSHA256";
    private static final int KEYED_MAX = 1024;
    /** Keyed MACs by secret, never used themselves: each use takes a clone ({@link #mac}). */
    private static final Map<String, Mac> KEYED = new ConcurrentHashMap<>();

    private HmacSignature() {
    }

    /** The header value a forge holding {@code secret} would send for {@code body}. */
    public static String sign(String secret, byte[] body) {
        return PREFIX + HexFormat.of().formatHex(hmac(secret, body));
    }

    /**
     * Whether {@code header} is the signature of {@code body} under {@code secret}. The comparison takes the same
     * time wherever the first differing byte is; a header that is not {@code sha256=<64 hex digits>} never matches.
     */
    public static boolean matches(String header, String secret, byte[] body) {
        if (body == null) return false;
        byte[] presented = presented(header, secret);
        return presented != null && MessageDigest.isEqual(presented, mac(secret).doFinal(body));
    }

    /** Whether {@code hex} (bare lowercase hex, as Gitea and Forgejo send it) is the signature of {@code body}. */
    public static boolean matchesHex(String hex, String secret, byte[] body) {
        if (hex == null || secret == null || body == null) return false;
        return matches(PREFIX + hex.trim(), secret, body);
    }

    /**
     * Whether a token sent as is (GitLab's {@code X-Gitlab-Token}) equals {@code expected}, in time that depends on
     * neither where they differ nor their lengths (both are hashed first).
     */
    public static boolean sameToken(String presented, String expected) {
        if (presented == null || expected == null) return false;
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] a = sha.digest(presented.getBytes(StandardCharsets.UTF_8));
            byte[] b = sha.digest(expected.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(a, b);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot compute SHA-256: " + e.getMessage(), e);
        }
    }

    /**
     * Whether {@code request} carries a {@code sha256=<hex>} signature in {@code header}; a header holding only the
     * prefix (a sender with no secret, as Gitea sends it) is no signature.
     */
    public static boolean present(HookRequest request, String header) {
        return request.header(header).filter(v -> !v.equalsIgnoreCase(PREFIX)).isPresent();
    }

    /** Whether the {@code sha256=<hex>} signature in {@code header} is the HMAC-SHA256 of the body with {@code secret}. */
    public static boolean verify(HookRequest request, String header, String secret) {
        return request.header(header).map(signature -> request.readBody(body -> matches(signature, secret, body)))
                .orElse(false);
    }

    /** As {@link #matches(String, String, byte[])}, reading the body from a stream (not copied whole). */
    public static boolean matches(String header, String secret, InputStream body) {
        if (body == null) return false;
        byte[] presented = presented(header, secret);
        if (presented == null) return false;
        Mac mac = mac(secret);
        byte[] chunk = new byte[8192];
        try {
            for (int n; (n = body.read(chunk)) > 0; ) mac.update(chunk, 0, n);
        } catch (IOException e) {
            return false;
        }
        return MessageDigest.isEqual(presented, mac.doFinal());
    }

    /** The HMAC a {@code sha256=<hex>} header presents; null when there is no header, no secret or no hex. */
    private static byte[] presented(String header, String secret) {
        if (header == null || secret == null) return null;
        String value = header.trim();
        if (!value.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) return null;
        try {
            return HexFormat.of().parseHex(value.substring(PREFIX.length()));
        } catch (IllegalArgumentException notHex) {
            return null;
        }
    }

    /**
     * A MAC keyed with {@code secret}, ready for one use: a clone of one keyed earlier when there is one (looking the
     * algorithm up and keying it cost more than the HMAC of a push's body). At most {@value #KEYED_MAX} secrets are
     * remembered; they are the configured ones, already in this process's memory.
     */
    private static Mac mac(String secret) {
        if (secret.isEmpty()) throw new IllegalArgumentException("a webhook secret must not be empty");
        Mac keyed = KEYED.get(secret);
        if (keyed != null) {
            try {
                return (Mac) keyed.clone();
            } catch (CloneNotSupportedException notByThisProvider) {
                // keyed anew below
            }
        }
        Mac mac = newMac(secret);
        try {
            if (KEYED.size() >= KEYED_MAX) KEYED.clear();
            KEYED.put(secret, (Mac) mac.clone());
        } catch (CloneNotSupportedException notByThisProvider) {
            // every use keys its own
        }
        return mac;
    }

    private static Mac newMac(String secret) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot compute " + ALGORITHM + ": " + e.getMessage(), e);
        }
    }

    private static byte[] hmac(String secret, byte[] body) {
        return mac(secret).doFinal(body);
    }
}
