package dev.verity.receiver;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Standard Webhooks check GitLab's signing token uses, against the specification's published example. */
class StandardWebhookSignatureTest {

    // the example in the Standard Webhooks specification (also checked by the notifier's signer)
    private static final String KEY = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
    private static final long TIMESTAMP = 1614265330;
    private static final byte[] BODY = "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8);
    private static final String SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
    private static final Duration WINDOW = Duration.ofMinutes(5);

    private static Optional<StandardWebhookSignature.Problem> verify(String signature, long timestamp, Instant now, List<String> keys) {
        HookRequest request = new HookRequest(Map.of("webhook-id", ID, "webhook-timestamp", String.valueOf(timestamp),
                "webhook-signature", signature), BODY);
        return StandardWebhookSignature.verify(request, keys, now, WINDOW);
    }

    @Test
    void thePublishedExampleVerifies() {
        assertThat(StandardWebhookSignature.sign(KEY, ID, TIMESTAMP, BODY)).isEqualTo(SIGNATURE);
        assertThat(verify(SIGNATURE, TIMESTAMP, Instant.ofEpochSecond(TIMESTAMP), List.of(KEY))).isEmpty();
        assertThat(verify(SIGNATURE, TIMESTAMP, Instant.ofEpochSecond(TIMESTAMP), List.of("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")))
                .as("the whsec_ prefix is optional").isEmpty();
    }

    @Test
    void theReplayWindowIsInclusiveOnBothSides() {
        assertThat(verify(SIGNATURE, TIMESTAMP, Instant.ofEpochSecond(TIMESTAMP + 300), List.of(KEY))).isEmpty();
        assertThat(verify(SIGNATURE, TIMESTAMP, Instant.ofEpochSecond(TIMESTAMP - 300), List.of(KEY))).isEmpty();
        assertThat(verify(SIGNATURE, TIMESTAMP, Instant.ofEpochSecond(TIMESTAMP + 301), List.of(KEY)))
                .contains(StandardWebhookSignature.Problem.EXPIRED);
        assertThat(verify(SIGNATURE, TIMESTAMP, Instant.ofEpochSecond(TIMESTAMP - 301), List.of(KEY)))
                .contains(StandardWebhookSignature.Problem.EXPIRED);
    }

    @Test
    void oneMatchingSignatureAmongSeveralIsEnoughAndOtherVersionsAreSkipped() {
        Instant now = Instant.ofEpochSecond(TIMESTAMP);
        assertThat(verify("v1,AAAA v2,whatever " + SIGNATURE, TIMESTAMP, now, List.of(KEY))).isEmpty();
        assertThat(verify("v2," + SIGNATURE.substring(3), TIMESTAMP, now, List.of(KEY)))
                .contains(StandardWebhookSignature.Problem.MISMATCH);
        assertThat(verify(SIGNATURE, TIMESTAMP + 1, now, List.of(KEY))).contains(StandardWebhookSignature.Problem.MISMATCH);
        assertThat(verify(SIGNATURE, TIMESTAMP, now, List.of("whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[24]), KEY)))
                .as("the second configured key matches").isEmpty();
    }

    @Test
    void missingHeadersAndBadKeys() {
        HookRequest noSignature = new HookRequest(Map.of("webhook-id", ID, "webhook-timestamp", String.valueOf(TIMESTAMP)), BODY);
        assertThat(StandardWebhookSignature.verify(noSignature, List.of(KEY), Instant.ofEpochSecond(TIMESTAMP), WINDOW))
                .contains(StandardWebhookSignature.Problem.MISSING);
        assertThatThrownBy(() -> StandardWebhookSignature.key("whsec_not*base64!"))
                .hasMessageContaining("whsec_ followed by base64").hasMessageNotContaining("not*base64!");
    }
}
