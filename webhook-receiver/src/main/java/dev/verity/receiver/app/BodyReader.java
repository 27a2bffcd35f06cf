package dev.verity.receiver.app;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a delivery's body so that the receiver holds it once. Reading into a {@code byte[]} parameter (what the REST
 * layer does by default, {@code readAllBytes}) keeps the body twice at its peak: the chunks read so far, then the
 * array they are copied into. That made {@code verity.receiver.memory-budget}, which reserves a delivery's declared
 * length, a third of the truth for 25 MiB bodies, and a few concurrent ones exhausted a 256 MiB heap.
 *
 * <p>With a {@code Content-Length} (every forge sends one), the array is allocated at that size and filled in place.
 * Without one (chunked), it is read in 64 KiB chunks and copied once at the end; such a delivery reserves the whole
 * cap in the budget, so only one near the cap holds more than it reserved. A body longer than the cap is refused
 * (413 by the caller), having read at most 64 KiB past the cap.
 */
final class BodyReader {

    static final int CHUNK = 64 * 1024;

    /** The body was longer than the cap (or than its {@code Content-Length} said). */
    static final class TooLarge extends IOException {
        TooLarge(String message) {
            super(message);
        }
    }

    private BodyReader() {
    }

    /**
     * Reads the whole body.
     *
     * @param contentLength the request's {@code Content-Length} header, or null
     * @param cap           the most bytes a body may have ({@code verity.receiver.max-body-size})
     * @throws TooLarge    when the body is longer than the cap or than its declared length
     * @throws IOException when the body ends before its declared length, or cannot be read
     */
    static byte[] read(InputStream in, String contentLength, long cap) throws IOException {
        long declared = declared(contentLength);
        if (declared > cap) throw new TooLarge("the body's Content-Length " + declared + " is over the cap of " + cap + " bytes");
        if (declared >= 0) {
            byte[] body = new byte[(int) declared];
            int read = in.readNBytes(body, 0, body.length);
            if (read < body.length) {
                throw new IOException("the body ended after " + read + " of its " + declared + " declared bytes");
            }
            if (in.read() != -1) throw new TooLarge("the body is longer than its Content-Length " + declared);
            return body;
        }
        List<byte[]> chunks = new ArrayList<>();
        long total = 0;
        while (true) {
            byte[] chunk = in.readNBytes(CHUNK);
            if (chunk.length == 0) break;
            total += chunk.length;
            if (total > cap) throw new TooLarge("the body is over the cap of " + cap + " bytes");
            chunks.add(chunk);
            if (chunk.length < CHUNK) break;
        }
        if (chunks.size() == 1) return chunks.get(0);
        byte[] body = new byte[(int) total];
        int at = 0;
        for (byte[] chunk : chunks) {
            System.arraycopy(chunk, 0, body, at, chunk.length);
            at += chunk.length;
        }
        return body;
    }

    private static long declared(String contentLength) {
        if (contentLength == null || contentLength.isBlank()) return -1;
        try {
            long n = Long.parseLong(contentLength.trim());
            return n < 0 ? -1 : n;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
