package dev.verity.receiver.app;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BodyReaderTest {

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** A stream that hands out at most 1,000 bytes per read, as a network stream does. */
    private static InputStream trickling(byte[] body) {
        return new FilterInputStream(new ByteArrayInputStream(body)) {
            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return super.read(b, off, Math.min(len, 1000));
            }
        };
    }

    @Test
    void aBodyWithItsContentLengthIsReadWholeIntoAnArrayOfThatSize() throws IOException {
        byte[] body = bytes(300_001);
        assertThat(BodyReader.read(trickling(body), "300001", 25 << 20)).isEqualTo(body);
        assertThat(BodyReader.read(trickling(new byte[0]), "0", 25 << 20)).isEmpty();
    }

    @Test
    void aChunkedBodyIsReadWholeWhateverItsSize() throws IOException {
        for (int n : new int[] {0, 1, BodyReader.CHUNK - 1, BodyReader.CHUNK, BodyReader.CHUNK + 1, 5 * BodyReader.CHUNK + 7}) {
            byte[] body = bytes(n);
            assertThat(BodyReader.read(trickling(body), null, 25 << 20)).as(n + " bytes").isEqualTo(body);
        }
        byte[] body = bytes(1234);
        assertThat(BodyReader.read(trickling(body), "not a number", 25 << 20)).isEqualTo(body);
    }

    @Test
    void aBodyOverTheCapIsRefusedWithOrWithoutContentLength() {
        assertThatThrownBy(() -> BodyReader.read(trickling(bytes(10)), "1000001", 1_000_000))
                .isInstanceOf(BodyReader.TooLarge.class).hasMessageContaining("1000001");
        assertThatThrownBy(() -> BodyReader.read(trickling(bytes(1_000_001)), null, 1_000_000))
                .isInstanceOf(BodyReader.TooLarge.class).hasMessageContaining("cap of 1000000");
        assertThatThrownBy(() -> BodyReader.read(trickling(bytes(101)), "100", 1_000_000))
                .isInstanceOf(BodyReader.TooLarge.class).hasMessageContaining("longer than its Content-Length 100");
    }

    @Test
    void aBodyShorterThanItsContentLengthIsAnErrorNotATruncatedPayload() {
        assertThatThrownBy(() -> BodyReader.read(trickling(bytes(99)), "100", 1_000_000))
                .isInstanceOf(IOException.class).isNotInstanceOf(BodyReader.TooLarge.class)
                .hasMessage("the body ended after 99 of its 100 declared bytes");
    }
}
