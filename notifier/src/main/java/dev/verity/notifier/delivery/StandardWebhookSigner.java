package dev.verity.notifier.delivery;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;

/**
 * Signs a webhook as the Standard Webhooks specification says (standardwebhooks.com): the signature of a message is
 * {@code v1,<base64 of HMAC-SHA256(key, "<webhook-id>.<webhook-timestamp>.<body>")>}, where the key is the base64
 * decoding of the secret after its {@code whsec_} prefix. Receivers verify it with any Standard Webhooks (or Svix)
 * library. The secret never leaves this class.
 */
public final class StandardWebhookSigner {

    static final String PREFIX = "whsec_";

    private final byte[] key;

    /**
     * @param secret {@code whsec_<base64>} (the prefix may be left out)
     * @throws IllegalArgumentException when the part after the prefix is not base64 or is empty (the message never
     *                                  quotes the secret)
     */
    public StandardWebhookSigner(String secret) {
        if (secret == null || secret.isBlank()) throw new IllegalArgumentException("the webhook secret is empty");
        String encoded = secret.strip().startsWith(PREFIX) ? secret.strip().substring(PREFIX.length()) : secret.strip();
        try {
            this.key = Base64.getDecoder().decode(encoded);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the webhook secret is not whsec_ followed by base64 (as Standard"
                    + " Webhooks secrets are); generate one with: echo whsec_$(openssl rand -base64 32)");
        }
        if (key.length == 0) throw new IllegalArgumentException("the webhook secret's key is empty");
    }

    /** The {@code webhook-signature} header value for a message. */
    public String sign(String id, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is missing from this JVM", e);
        }
    }
}
