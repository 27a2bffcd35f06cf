package dev.verity.notifier.delivery;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StandardWebhookSignerTest {

    /** The example the Standard Webhooks specification and its reference libraries publish. */
    @Test
    void reproducesTheSpecificationsPublishedExample() {
        StandardWebhookSigner signer = new StandardWebhookSigner("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
        assertThat(signer.sign("msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330,
                "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
        assertThat(new StandardWebhookSigner("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw").sign("msg_p5jXN8AQM9LWM0D4loKWxJek",
                1614265330, "{\"test\": 2432232314}".getBytes(StandardCharsets.UTF_8)))
                .as("the prefix is optional").isEqualTo("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=");
    }

    @Test
    void aSecretThatIsNotBase64IsRefusedWithoutQuotingIt() {
        assertThatThrownBy(() -> new StandardWebhookSigner("whsec_not*base64!"))
                .hasMessageContaining("not whsec_ followed by base64").hasMessageNotContaining("not*base64!");
        assertThatThrownBy(() -> new StandardWebhookSigner(" ")).hasMessageContaining("empty");
    }
}
