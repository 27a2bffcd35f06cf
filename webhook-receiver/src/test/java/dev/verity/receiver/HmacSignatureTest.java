package dev.verity.receiver;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HmacSignatureTest {

    private static final String SECRET = "fixture-secret";

    @Test
    void githubsPublishedTestVector() {
        // docs.github.com, "Validating webhook deliveries"
        byte[] body = "Hello, World!".getBytes(StandardCharsets.UTF_8);
        String expected = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
        assertThat(HmacSignature.sign("It's a Secret to Everybody", body)).isEqualTo(expected);
        assertThat(HmacSignature.matches(expected, "It's a Secret to Everybody", body)).isTrue();
    }

    @Test
    void signsTheStoredFixtureBytesExactly() {
        // computed independently: python3 hmac.new(b'fixture-secret', open(f,'rb').read(), hashlib.sha256)
        assertThat(HmacSignature.sign(SECRET, Fixtures.github("push.json")))
                .isEqualTo("sha256=f9a0593d41f94a4c673093bc8720e0905b3bb66eee49066e943cb7dfefc22d6e");
        assertThat(HmacSignature.sign(SECRET, Fixtures.github("ping.json")))
                .isEqualTo("sha256=341b984a347594d6192bdca4c48199527e523036eb65bd56e1401102e6d4a662");
    }

    @Test
    void anySignatureOverOtherBytesOrWithAnotherSecretDoesNotMatch() {
        byte[] body = Fixtures.github("push.json");
        String good = HmacSignature.sign(SECRET, body);
        assertThat(HmacSignature.matches(good, SECRET, body)).isTrue();
        assertThat(HmacSignature.matches(good, "another-secret", body)).isFalse();

        byte[] withTrailingNewline = Arrays.copyOf(body, body.length + 1);
        withTrailingNewline[body.length] = '\n';
        assertThat(HmacSignature.matches(good, SECRET, withTrailingNewline)).isFalse();

        byte[] oneByteChanged = body.clone();
        oneByteChanged[100] ^= 1;
        assertThat(HmacSignature.matches(good, SECRET, oneByteChanged)).isFalse();
    }

    @Test
    void manySecretsInTurnEachMatchOnlyTheirOwnSignatures() {
        byte[] body = Fixtures.github("push.json");
        for (int round = 0; round < 3; round++) {
            for (int i = 0; i < 1_100; i += 7) { // more secrets than are kept keyed
                String signature = HmacSignature.sign("secret-" + i, body);
                assertThat(HmacSignature.matches(signature, "secret-" + i, body)).isTrue();
                assertThat(HmacSignature.matches(signature, "secret-" + (i + 1), body)).isFalse();
                assertThat(HmacSignature.matches(signature, "secret-" + i, new java.io.ByteArrayInputStream(body))).isTrue();
            }
        }
        assertThat(HmacSignature.sign("secret-0", body)).isEqualTo(HmacSignature.sign("secret-0", body));
    }

    @Test
    void malformedHeadersNeverMatch() {
        byte[] body = Fixtures.github("push.json");
        String hex = HmacSignature.sign(SECRET, body).substring("sha256=".length());
        assertThat(HmacSignature.matches(hex, SECRET, body)).as("no prefix").isFalse();
        assertThat(HmacSignature.matches("sha1=" + hex, SECRET, body)).as("wrong algorithm").isFalse();
        assertThat(HmacSignature.matches("sha256=" + hex.substring(2), SECRET, body)).as("truncated").isFalse();
        assertThat(HmacSignature.matches("sha256=" + hex + "00", SECRET, body)).as("too long").isFalse();
        assertThat(HmacSignature.matches("sha256=" + hex.replace('a', 'x'), SECRET, body)).as("not hex").isFalse();
        assertThat(HmacSignature.matches("sha256=", SECRET, body)).as("empty").isFalse();
        assertThat(HmacSignature.matches(null, SECRET, body)).as("absent").isFalse();
    }

    @Test
    void anEmptySecretIsRefused() {
        assertThatThrownBy(() -> HmacSignature.sign("", new byte[0])).hasMessageContaining("secret must not be empty");
    }
}
