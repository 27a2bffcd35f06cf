package dev.verity.receiver.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A load generator light enough to leave the cores to the server it measures: one thread, one selector,
 * {@code concurrency} keep-alive HTTP/1.1 connections, each with one request in flight (no pipelining). Requests are
 * whole HTTP messages built before the run ({@link #request}), so the client does no signing, formatting or header
 * handling while it measures; it reads each answer's status line and {@code Content-Length} or chunked framing and
 * nothing else. A connection the server closes (or answers {@code Connection: close} on) is reopened; the request in
 * flight on it counts as a failure. The JDK's {@code HttpClient} spends several times the CPU per request (futures,
 * header maps, its own selector thread handing off to an executor), which on two cores shared with the server was
 * the first thing measured.
 */
final class RawHttpLoad {

    private static final byte[] HEADER_END = {'\r', '\n', '\r', '\n'};

    /** One request as bytes on the wire: request line, {@code headers}, {@code Content-Length}, body. */
    static byte[] request(String method, InetSocketAddress address, String path, Map<String, String> headers,
            byte[] body) {
        StringBuilder head = new StringBuilder(256).append(method).append(' ').append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(address.getHostString()).append(':').append(address.getPort()).append("\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        if (body.length > 0 || !method.equals("GET")) head.append("Content-Length: ").append(body.length).append("\r\n");
        byte[] headBytes = head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1);
        byte[] message = Arrays.copyOf(headBytes, headBytes.length + body.length);
        System.arraycopy(body, 0, message, headBytes.length, body.length);
        return message;
    }

    private final InetSocketAddress address;
    private final List<byte[]> requests;
    private final Selector selector;
    private final long[] latencies;
    private final Map<Integer, Integer> statuses = new HashMap<>();
    private int next;
    private int done;
    private int failures;

    private RawHttpLoad(InetSocketAddress address, List<byte[]> requests, Selector selector) {
        this.address = address;
        this.requests = requests;
        this.selector = selector;
        this.latencies = new long[requests.size()];
    }

    /**
     * Sends every request in {@code requests} over {@code concurrency} connections, as fast as the answers come;
     * latency is from the first byte written to the last byte of the answer read. Requests not answered within
     * {@code timeout} count as failures.
     */
    static ReceiverBenchmark.Load run(InetSocketAddress address, List<byte[]> requests, int concurrency,
            Duration timeout) throws IOException {
        try (Selector selector = Selector.open()) {
            return new RawHttpLoad(address, requests, selector).run(concurrency, timeout);
        }
    }

    private ReceiverBenchmark.Load run(int concurrency, Duration timeout) throws IOException {
        int total = requests.size();
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        for (int i = 0; i < Math.min(concurrency, total); i++) open();
        while (done < total && System.nanoTime() < deadline) {
            selector.select(200);
            var selected = selector.selectedKeys().iterator();
            while (selected.hasNext()) {
                SelectionKey key = selected.next();
                selected.remove();
                handle(key);
            }
        }
        for (SelectionKey key : selector.keys()) key.channel().close();
        long elapsed = System.nanoTime() - start;
        int unanswered = total - done;
        for (int i = 0; i < total && unanswered > 0; i++) {
            if (latencies[i] == 0) latencies[i] = elapsed;
        }
        Arrays.sort(latencies);
        return new ReceiverBenchmark.Load(total, elapsed / 1e9, Map.copyOf(statuses), latencies, failures + unanswered);
    }

    private void handle(SelectionKey key) throws IOException {
        Connection c = (Connection) key.attachment();
        SocketChannel channel = (SocketChannel) key.channel();
        try {
            if (key.isConnectable()) {
                channel.finishConnect();
                startNextOrClose(key, c);
                return;
            }
            if (key.isWritable()) c.write(key);
            if (key.isReadable() && c.read(channel)) {
                latencies[c.index] = System.nanoTime() - c.sent;
                statuses.merge(c.status, 1, Integer::sum);
                done++;
                c.index = -1;
                if (c.closeAfter) {
                    channel.close();
                    if (next < requests.size()) open();
                } else {
                    startNextOrClose(key, c);
                }
            }
        } catch (IOException broken) {
            channel.close();
            if (c.index >= 0) {
                latencies[c.index] = System.nanoTime() - c.sent;
                failures++;
                done++;
            }
            if (next < requests.size()) open();
        }
    }

    private void startNextOrClose(SelectionKey key, Connection c) throws IOException {
        if (next < requests.size()) c.start(key, next, requests.get(next++));
        else key.channel().close();
    }

    private void open() throws IOException {
        SocketChannel channel = SocketChannel.open();
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        Connection c = new Connection();
        boolean connected = channel.connect(address);
        SelectionKey key = channel.register(selector, connected ? 0 : SelectionKey.OP_CONNECT, c);
        if (connected) startNextOrClose(key, c);
    }

    /** One keep-alive connection and the request in flight on it. */
    private static final class Connection {
        int index = -1;
        long sent;
        ByteBuffer out;
        ByteBuffer in = ByteBuffer.allocate(16 * 1024);
        int status;
        boolean closeAfter;
        void start(SelectionKey key, int index, byte[] request) throws IOException {
            this.index = index;
            this.out = ByteBuffer.wrap(request);
            this.in.clear();
            this.sent = System.nanoTime();
            key.interestOps(SelectionKey.OP_WRITE);
            write(key);
        }

        void write(SelectionKey key) throws IOException {
            ((SocketChannel) key.channel()).write(out);
            if (!out.hasRemaining()) key.interestOps(SelectionKey.OP_READ);
        }

        /** Reads what arrived; true once the whole answer is in. */
        boolean read(SocketChannel channel) throws IOException {
            if (!in.hasRemaining()) in = ByteBuffer.allocate(in.capacity() * 2).put(in.flip());
            if (channel.read(in) < 0) throw new IOException("the server closed the connection mid-answer");
            return complete();
        }

        private boolean complete() throws IOException {
            byte[] a = in.array();
            int length = in.position();
            int headerEnd = indexOf(a, 0, length, HEADER_END);
            if (headerEnd < 0) return false;
            String head = new String(a, 0, headerEnd, StandardCharsets.ISO_8859_1);
            if (!head.startsWith("HTTP/1.")) throw new IOException("not an HTTP/1 answer: " + head.lines().findFirst().orElse(""));
            status = Integer.parseInt(head.substring(9, 12));
            String lower = head.toLowerCase(Locale.ROOT);
            closeAfter = lower.contains("\r\nconnection: close");
            int bodyStart = headerEnd + 4;
            int contentLength = header(lower, "content-length");
            if (contentLength >= 0) return length >= bodyStart + contentLength;
            if (lower.contains("\r\ntransfer-encoding: chunked")) return chunkedComplete(a, bodyStart, length);
            if (status == 204 || status == 304 || status / 100 == 1) return true;
            throw new IOException("an answer with neither Content-Length nor chunked framing: " + status);
        }

        private static boolean chunkedComplete(byte[] a, int from, int length) throws IOException {
            int at = from;
            while (true) {
                int lineEnd = indexOf(a, at, length, new byte[] {'\r', '\n'});
                if (lineEnd < 0) return false;
                String sizeField = new String(a, at, lineEnd - at, StandardCharsets.ISO_8859_1);
                int semicolon = sizeField.indexOf(';');
                int size;
                try {
                    size = Integer.parseInt((semicolon < 0 ? sizeField : sizeField.substring(0, semicolon)).trim(), 16);
                } catch (NumberFormatException e) {
                    throw new IOException("a chunk size that is not hexadecimal: " + sizeField);
                }
                at = lineEnd + 2;
                if (size == 0) {
                    // no trailers: CRLF at once; trailers end with an empty line
                    if (length - at >= 2 && a[at] == '\r' && a[at + 1] == '\n') return true;
                    return indexOf(a, at, length, HEADER_END) >= 0;
                }
                at += size + 2;
                if (at > length) return false;
            }
        }

        private static int header(String lowerHead, String name) {
            int at = lowerHead.indexOf("\r\n" + name + ":");
            if (at < 0) return -1;
            int valueStart = at + name.length() + 3;
            int end = lowerHead.indexOf("\r\n", valueStart);
            return Integer.parseInt(lowerHead.substring(valueStart, end < 0 ? lowerHead.length() : end).trim());
        }

        private static int indexOf(byte[] a, int from, int to, byte[] needle) {
            outer:
            for (int i = from; i <= to - needle.length; i++) {
                for (int j = 0; j < needle.length; j++) {
                    if (a[i + j] != needle[j]) continue outer;
                }
                return i;
            }
            return -1;
        }
    }
}
