package dev.verity.receiver;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * What a repository's deliveries are authenticated with. Never printed.
 *
 * @param secret       the webhook secret (HMAC key) or, for GitLab, the secret token sent in {@code X-Gitlab-Token}
 * @param signingKeys  GitLab's signing tokens ({@code whsec_<base64>}, Standard Webhooks); when any is set, a GitLab
 *                     delivery must also carry a {@code webhook-signature} made with one of them. Several while keys
 *                     rotate
 * @param replayWindow how far a signed delivery's {@code webhook-timestamp} may be from now
 */
public record Credentials(String secret, List<String> signingKeys, Duration replayWindow) {

    public Credentials {
        Objects.requireNonNull(secret, "secret");
        signingKeys = signingKeys == null ? List.of() : List.copyOf(signingKeys);
        Objects.requireNonNull(replayWindow, "replayWindow");
    }

    @Override
    public String toString() {
        return "Credentials[secret=****, signingKeys=" + signingKeys.size() + " (****), replayWindow=" + replayWindow + "]";
    }
}
