package dev.verity.receiver.app;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Collects a delivery's body, chunk by chunk as the event loop receives it, so that the receiver holds it once and
 * no thread waits for the network. Reading it instead from a blocking stream on a worker thread (what the REST layer
 * does for a body parameter) parks that worker for every chunk until the event loop hands it over: under load each
 * delivery cost two thread hand-offs per chunk and workers sat waiting for bodies the event loop had not reached yet.
 * And reading into a {@code byte[]} the default way ({@code readAllBytes}) keeps the body twice at its peak: the
 * chunks read so far, then the array they are copied into, which made {@code verity.receiver.memory-budget} (it
 * reserves a delivery's declared length) a third of the truth for 25 MiB bodies.
 *
 * <p>With a {@code Content-Length} (every forge sends one), the array is allocated at that size and filled in place.
 * Without one (chunked), the chunks are kept and copied once at the end; such a delivery reserves the whole cap in the
 * budget, so only one near the cap holds more than it reserved. A body longer than the cap is refused as soon as it
 * passes it.
 */
final class BodyCollector {

    /** The body was longer than the cap (or than its {@code Content-Length} said). */
    static final class TooLarge extends IOException {
        TooLarge(String message) {
            super(message);
        }
    }

    private final long cap;
    private final byte[] declaredBody;
    private final List<byte[]> chunks;
    private long length;

    /**
     * @param contentLength the request's {@code Content-Length} header, or null
     * @param cap           the most bytes a body may have ({@code verity.receiver.max-body-size})
     * @throws TooLarge when the declared length is over the cap
     */
    BodyCollector(String contentLength, long cap) throws TooLarge {
        this.cap = cap;
        long declared = declaredLength(contentLength);
        if (declared > cap) {
            throw new TooLarge("the body's Content-Length " + declared + " is over the cap of " + cap + " bytes");
        }
        this.declaredBody = declared >= 0 ? new byte[(int) declared] : null;
        this.chunks = declared >= 0 ? null : new ArrayList<>();
    }

    /**
     * A request's {@code Content-Length}: -1 when it has none or one that is not a length (the body is then read
     * to its end, up to the cap).
     */
    static long declaredLength(String contentLength) {
        if (contentLength == null || contentLength.isBlank()) return -1;
        try {
            long n = Long.parseLong(contentLength.trim());
            return n < 0 ? -1 : n;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Adds the next chunk, its remaining bytes (copied: the caller's buffer may be reused). */
    void append(ByteBuffer chunk) throws TooLarge {
        int count = chunk.remaining();
        if (declaredBody != null) {
            if (length + count > declaredBody.length) {
                throw new TooLarge("the body is longer than its Content-Length " + declaredBody.length);
            }
            chunk.get(declaredBody, (int) length, count);
        } else {
            if (length + count > cap) throw new TooLarge("the body is over the cap of " + cap + " bytes");
            byte[] copy = new byte[count];
            chunk.get(copy);
            chunks.add(copy);
        }
        length += count;
    }

    /**
     * The whole body, once it has ended.
     *
     * @throws IOException when it ended before its declared length
     */
    byte[] body() throws IOException {
        if (declaredBody != null) {
            if (length < declaredBody.length) {
                throw new IOException("the body ended after " + length + " of its " + declaredBody.length
                        + " declared bytes");
            }
            return declaredBody;
        }
        if (chunks.size() == 1) return chunks.get(0);
        byte[] body = new byte[(int) length];
        int at = 0;
        for (byte[] chunk : chunks) {
            System.arraycopy(chunk, 0, body, at, chunk.length);
            at += chunk.length;
        }
        chunks.clear();
        return body;
    }
}
