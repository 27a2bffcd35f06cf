package dev.verity.receiver.app;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * One HTTP/1.1 delivery sent as a client that asks before sending its body ({@code Expect: 100-continue}), over a
 * plain socket: the headers first, the body only after a {@code 100 Continue}. Written by hand because the JDK's
 * HttpClient of the Java 17 this build runs on (before 17.0.17) hangs, whatever its timeout, when the answer to such a
 * request is a final one with a body (JDK-8286171), which is what a refusal is.
 *
 * @param interim the {@code 100 Continue} head the receiver sent first, or null
 * @param status  the final answer's status code
 * @param answer  the final answer, head and text, as read until the receiver closed the connection or stopped sending
 * @param sentBody whether the body was sent
 * @param closed   when the body was not sent: whether the receiver closed the connection after its answer (it has to:
 *                 the body it announced never comes); false when it was sent
 */
record ExpectContinueExchange(String interim, int status, String answer, boolean sentBody, boolean closed) {

    static ExpectContinueExchange post(URI url, Map<String, String> headers, byte[] body, long declaredLength)
            throws IOException {
        try (Socket socket = new Socket(url.getHost(), url.getPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            StringBuilder head = new StringBuilder("POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost()
                    + "\r\nExpect: 100-continue\r\nContent-Length: " + declaredLength + "\r\n");
            headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String first = readHead(in);
            String interim = null;
            boolean sent = false;
            if (first.startsWith("HTTP/1.1 100")) {
                interim = first;
                out.write(body);
                out.flush();
                sent = true;
                first = readHead(in);
            }
            String answer = first + readRest(in, first);
            boolean closed = !sent && endsWithin(in);
            return new ExpectContinueExchange(interim, Integer.parseInt(first.substring(9, 12)), answer, sent, closed);
        }
    }

    /** Up to and including the blank line that ends a response head. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) throw new IOException("the connection closed after " + head.size() + " bytes of a response head");
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    /** The text after {@code head}: its Content-Length's worth, or what comes until the connection closes. */
    private static String readRest(InputStream in, String head) throws IOException {
        int length = -1;
        for (String line : head.split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        try {
            int b;
            while ((length < 0 || text.size() < length) && (b = in.read()) >= 0) text.write(b);
        } catch (SocketTimeoutException e) {
            // what was read is the text
        }
        return text.toString(StandardCharsets.UTF_8);
    }

    /** Whether the stream ends (the receiver closed the connection) within the socket's timeout. */
    private static boolean endsWithin(InputStream in) throws IOException {
        try {
            return in.read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (java.net.SocketException e) {
            return true; // reset: closed too
        }
    }
}
