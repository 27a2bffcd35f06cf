package dev.verity.receiver.app;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BodyCollectorTest {

    private static final long CAP = 25 << 20;

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** Feeds {@code body} in chunks of at most {@code chunk} bytes, as the event loop hands them over. */
    private static BodyCollector fed(byte[] body, String contentLength, long cap, int chunk) throws IOException {
        BodyCollector collector = new BodyCollector(contentLength, cap);
        for (int at = 0; at < body.length; at += chunk) collector.append(ByteBuffer.wrap(body, at, Math.min(chunk, body.length - at)));
        return collector;
    }

    @Test
    void aBodyWithItsContentLengthIsCollectedWholeIntoAnArrayOfThatSize() throws IOException {
        byte[] body = bytes(300_001);
        assertThat(fed(body, "300001", CAP, 1000).body()).isEqualTo(body);
        assertThat(fed(new byte[0], "0", CAP, 1000).body()).isEmpty();
        assertThat(fed(body, " 300001 ", CAP, 8192).body()).as("padded header").isEqualTo(body);
    }

    @Test
    void aChunkedBodyIsCollectedWholeWhateverItsSizeAndChunks() throws IOException {
        for (int n : new int[] {0, 1, 999, 1000, 1001, 65_536 * 5 + 7}) {
            byte[] body = bytes(n);
            assertThat(fed(body, null, CAP, 1000).body()).as(n + " bytes").isEqualTo(body);
        }
        byte[] body = bytes(1234);
        assertThat(fed(body, "not a number", CAP, 100).body()).as("unreadable Content-Length").isEqualTo(body);
        assertThat(fed(body, "-5", CAP, 100).body()).as("negative Content-Length").isEqualTo(body);
    }

    @Test
    void theCallersBufferIsCopiedNotKept() throws IOException {
        byte[] buffer = {1, 2, 3, 4};
        BodyCollector chunked = new BodyCollector(null, CAP);
        chunked.append(ByteBuffer.wrap(buffer, 1, 2));
        BodyCollector declared = new BodyCollector("2", CAP);
        declared.append(ByteBuffer.wrap(buffer, 1, 2));
        buffer[1] = 9;
        assertThat(chunked.body()).containsExactly(2, 3);
        assertThat(declared.body()).containsExactly(2, 3);
    }

    @Test
    void aBodyOverTheCapIsRefusedWithOrWithoutContentLength() {
        assertThatThrownBy(() -> new BodyCollector("1000001", 1_000_000))
                .isInstanceOf(BodyCollector.TooLarge.class).hasMessageContaining("1000001");
        assertThatThrownBy(() -> fed(bytes(1_000_001), null, 1_000_000, 4096))
                .isInstanceOf(BodyCollector.TooLarge.class).hasMessageContaining("cap of 1000000");
        assertThatThrownBy(() -> fed(bytes(101), "100", 1_000_000, 1000))
                .isInstanceOf(BodyCollector.TooLarge.class).hasMessageContaining("longer than its Content-Length 100");
    }

    @Test
    void aBodyShorterThanItsContentLengthIsAnErrorNotATruncatedPayload() {
        assertThatThrownBy(() -> fed(bytes(99), "100", 1_000_000, 10).body())
                .isInstanceOf(IOException.class).isNotInstanceOf(BodyCollector.TooLarge.class)
                .hasMessage("the body ended after 99 of its 100 declared bytes");
    }

    @Test
    void aLengthIsReadFromContentLengthOrIsUnknown() {
        assertThat(BodyCollector.declaredLength("42")).isEqualTo(42);
        assertThat(BodyCollector.declaredLength(" 7 ")).isEqualTo(7);
        assertThat(BodyCollector.declaredLength(null)).isEqualTo(-1);
        assertThat(BodyCollector.declaredLength("")).isEqualTo(-1);
        assertThat(BodyCollector.declaredLength("1e3")).isEqualTo(-1);
        assertThat(BodyCollector.declaredLength("-1")).isEqualTo(-1);
    }
}
