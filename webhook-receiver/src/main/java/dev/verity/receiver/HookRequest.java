package dev.verity.receiver;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Locale;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One webhook delivery as it arrived: its headers (looked up case-insensitively) and the raw body bytes, which
 * are what forges sign. The body is never re-serialised.
 */
public final class HookRequest {

    private final Map<String, String> headers;
    private final byte[] body;

    public HookRequest(Map<String, String> headers, byte[] body) {
        this(headers, body == null ? null : body.clone(), true);
    }

    private HookRequest(Map<String, String> headers, byte[] body, boolean owned) {
        Map<String, String> lower = new HashMap<>(headers.size() * 2);
        headers.forEach((name, value) -> {
            if (name != null && value != null) lower.put(name.toLowerCase(Locale.ROOT), value);
        });
        this.headers = Map.copyOf(lower);
        this.body = body == null ? new byte[0] : body;
    }

    /** Headers already lowercased (another request's). */
    private HookRequest(byte[] body, Map<String, String> lowercased) {
        this.headers = lowercased;
        this.body = body;
    }

    /**
     * This request's headers with {@code body}, which it takes over as {@link #handingOver} does: the headers read
     * before the body arrived, not read again.
     */
    public HookRequest withBody(byte[] body) {
        return new HookRequest(body, headers);
    }

    /**
     * A request that takes {@code body} over instead of copying it (a body may be 25 MiB; each copy counts when many
     * arrive at once): the caller hands the array over and never touches it again.
     */
    public static HookRequest handingOver(Map<String, String> headers, byte[] body) {
        return new HookRequest(headers, body, true);
    }

    /** The header's value, absent when the header is missing or blank. */
    public Optional<String> header(String name) {
        String value = headers.get(name.toLowerCase(Locale.ROOT));
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
    }

    /** The raw body's length in bytes. */
    public int bodyLength() {
        return body.length;
    }

    /** A copy of the raw body. */
    public byte[] body() {
        return body.clone();
    }

    /** What {@code reader} makes of the raw body, without copying it; {@code reader} must not change the array. */
    public <T> T readBody(Function<byte[], T> reader) {
        return reader.apply(body);
    }

    /** The raw body itself, for this package's readers ({@link Payloads}), which never change it. */
    byte[] bodyArray() {
        return body;
    }

    /** The raw body as a stream, without copying it (bodies may be up to the 25M cap). */
    public InputStream bodyStream() {
        return new ByteArrayInputStream(body);
    }

    /** Whether the raw body starts with {@code prefix}. */
    public boolean bodyStartsWith(byte[] prefix) {
        return body.length >= prefix.length && Arrays.equals(body, 0, prefix.length, prefix, 0, prefix.length);
    }
}
