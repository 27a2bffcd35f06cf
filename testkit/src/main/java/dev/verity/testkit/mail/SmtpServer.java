package dev.verity.testkit.mail;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import jakarta.mail.Address;
import jakarta.mail.BodyPart;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.internet.MimeMessage;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.function.Predicate;

/**
 * A real SMTP server (GreenMail) on a local port that accepts every message for any recipient, without
 * authentication or TLS, and keeps what it received so tests (and a person running the local stack) can read it.
 *
 * <p>{@link #startWebView(int)} also serves the received mail as a readable HTML page ({@code GET /}) and as
 * JSON ({@code GET /messages}). Not a mail store: no IMAP/POP3, nothing is kept after {@link #close()}.
 */
public final class SmtpServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final GreenMail greenMail;
    private final int port;
    private HttpServer webView;
    /** the SMTP listener started by {@link #resumeListening()} after {@link #stopListening()}; null: GreenMail's own */
    private com.icegreen.greenmail.smtp.SmtpServer relistened;
    private boolean listening = true;

    private SmtpServer(GreenMail greenMail, int port) {
        this.greenMail = greenMail;
        this.port = port;
    }

    /** Starts on a free port. */
    public static SmtpServer start() {
        return start(0);
    }

    /** Starts on {@code port} (0: a free port) on the loopback interface. */
    public static SmtpServer start(int port) {
        String host = InetAddress.getLoopbackAddress().getHostAddress();
        if (port != 0) requireFree(host, port);
        ServerSetup setup = new ServerSetup(port, host, ServerSetup.PROTOCOL_SMTP);
        GreenMail greenMail = new GreenMail(port == 0 ? setup.dynamicPort() : setup);
        try {
            greenMail.start();
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot start the SMTP server on port " + port + ": " + e.getMessage(), e);
        }
        return new SmtpServer(greenMail, greenMail.getSmtp().getPort());
    }

    /**
     * Serves an SMTP server until the process is stopped: {@code SmtpServer [smtpPort [webPort]]} (defaults 0, a
     * free port). Prints where to send mail and where to read it.
     */
    public static void main(String[] args) throws InterruptedException {
        SmtpServer smtp = start(args.length > 0 ? Integer.parseInt(args[0]) : 0);
        String view = smtp.startWebView(args.length > 1 ? Integer.parseInt(args[1]) : 0);
        Runtime.getRuntime().addShutdownHook(new Thread(smtp::close, "smtp-server-stop"));
        System.out.println("SMTP server: " + smtp.host() + ":" + smtp.port() + " (no auth, no TLS); mail received at " + view);
        Thread.currentThread().join();
    }

    public String host() {
        return InetAddress.getLoopbackAddress().getHostAddress();
    }

    public int port() {
        return port;
    }

    /** Every message received so far, oldest first: one copy per recipient mailbox, as GreenMail stores them. */
    public List<ReceivedMail> receivedMessages() {
        return Arrays.stream(greenMail.getReceivedMessages()).map(SmtpServer::toMail).toList();
    }

    /**
     * The messages delivered to one mailbox so far, oldest first: what {@code address} finds in its inbox (Bcc
     * included). Unlike {@link #receivedMessages()}, a message sent to several recipients counts once here.
     */
    public List<ReceivedMail> inbox(String address) {
        return greenMail.findReceivedMessages(user -> user.getEmail().equalsIgnoreCase(address), m -> true)
                .map(SmtpServer::toMail).toList();
    }

    /** The messages received so far with {@code recipient} in To or Cc (one copy per recipient mailbox). */
    public List<ReceivedMail> receivedMessagesFor(String recipient) {
        return receivedMessages().stream()
                .filter(m -> m.to().contains(recipient) || m.cc().contains(recipient)).toList();
    }

    /** Waits until at least {@code count} messages were received (one per recipient) and returns them all. */
    public List<ReceivedMail> awaitMessages(int count, Duration timeout) {
        if (!greenMail.waitForIncomingEmail(timeout.toMillis(), count)) {
            List<ReceivedMail> got = receivedMessages();
            throw new IllegalStateException(new TimeoutException("expected at least " + count
                    + " e-mails within " + timeout + "; received " + got.size() + ": " + got));
        }
        return receivedMessages();
    }

    /** Waits for the first received message that matches and returns it. */
    public ReceivedMail awaitMessage(Predicate<ReceivedMail> matching, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<ReceivedMail> got = receivedMessages();
            for (ReceivedMail m : got) {
                if (matching.test(m)) return m;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(new TimeoutException("expected an e-mail matching the condition within "
                        + timeout + "; received " + got.size() + ": " + got));
            }
            // GreenMail wakes waiters on every delivery; wait for one more than we have seen
            greenMail.waitForIncomingEmail(Math.min(200, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)),
                    got.size() + 1);
        }
    }

    /**
     * The SMTP server goes away until {@link #resumeListening()}: its listening socket is closed and the sessions in
     * progress are cut, so a client's connection is refused, as when a mail relay is down. What it received is kept.
     */
    public synchronized void stopListening() {
        if (!listening) return;
        (relistened != null ? relistened : greenMail.getSmtp()).stopService();
        listening = false;
    }

    /** Listens again on the same port after {@link #stopListening()}, with the mail received before. */
    public synchronized void resumeListening() {
        if (listening) return;
        ServerSetup setup = new ServerSetup(port, host(), ServerSetup.PROTOCOL_SMTP);
        // the port was ours a moment ago: retry briefly while the old socket is released
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (true) {
            com.icegreen.greenmail.smtp.SmtpServer smtp = new com.icegreen.greenmail.smtp.SmtpServer(setup,
                    greenMail.getManagers());
            smtp.startService();
            try {
                if (smtp.waitTillRunning(setup.getServerStartupTimeout())) {
                    relistened = smtp;
                    listening = true;
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                smtp.stopService();
                throw new IllegalStateException("interrupted while the SMTP server started listening again", e);
            }
            smtp.stopService();
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("cannot listen again on SMTP port " + port);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the SMTP server started listening again", e);
            }
        }
    }

    /** Whether it accepts SMTP connections now (not {@link #stopListening() stopped}). */
    public synchronized boolean listening() {
        return listening;
    }

    /** Forgets every message received so far. */
    public void clear() {
        try {
            greenMail.purgeEmailFromAllMailboxes();
        } catch (Exception e) {
            throw new IllegalStateException("cannot purge the SMTP server's mailboxes: " + e.getMessage(), e);
        }
    }

    /**
     * Serves the received mail over HTTP on {@code port} (0: a free port): {@code GET /} is a readable page,
     * {@code GET /messages} the same as JSON. Returns the page's URL.
     */
    public synchronized String startWebView(int port) {
        if (webView == null) {
            try {
                webView = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot serve the mail view on port " + port, e);
            }
            webView.createContext("/", this::handleView);
            webView.start();
        }
        return "http://" + host() + ":" + webView.getAddress().getPort() + "/";
    }

    @Override
    public synchronized void close() {
        if (webView != null) webView.stop(0);
        if (relistened != null) relistened.stopService();
        greenMail.stop();
    }

    private void handleView(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            if (!exchange.getRequestMethod().equals("GET")) {
                respond(exchange, 405, "text/plain; charset=utf-8", "GET only");
            } else if (path.equals("/messages")) {
                respond(exchange, 200, "application/json; charset=utf-8", json(receivedMessages()));
            } else if (path.equals("/")) {
                respond(exchange, 200, "text/html; charset=utf-8", html(receivedMessages()));
            } else {
                respond(exchange, 404, "text/plain; charset=utf-8", "not found");
            }
        }
    }

    private String html(List<ReceivedMail> mails) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\">")
                .append("<meta http-equiv=\"refresh\" content=\"5\"><title>Mail received</title>")
                .append("<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}")
                .append(".m{border:1px solid #ccc;border-radius:6px;padding:.6em 1em;margin:.8em 0}")
                .append(".meta{color:#666;font-size:.85em}pre{white-space:pre-wrap}</style></head><body>")
                .append("<h1>Mail received</h1><p>").append(mails.size()).append(" e-mail(s) received on SMTP ")
                .append(host()).append(':').append(port).append(", newest first; JSON at <a href=\"/messages\">/messages</a>.</p>");
        for (int i = mails.size() - 1; i >= 0; i--) {
            ReceivedMail m = mails.get(i);
            b.append("<div class=\"m\"><div class=\"meta\">From ").append(escape(m.from())).append(" · to ")
                    .append(escape(String.join(", ", m.to()))).append(" · ").append(m.receivedAt()).append("</div>")
                    .append("<h3>").append(escape(m.subject())).append("</h3><pre>")
                    .append(escape(String.valueOf(m.body()))).append("</pre></div>");
        }
        return b.append("</body></html>").toString();
    }

    private static String json(List<ReceivedMail> mails) throws IOException {
        ArrayNode array = JSON.createArrayNode();
        for (ReceivedMail m : mails) {
            ObjectNode n = array.addObject();
            n.put("from", m.from());
            m.to().forEach(n.putArray("to")::add);
            m.cc().forEach(n.putArray("cc")::add);
            n.put("subject", m.subject());
            n.put("text", m.text());
            n.put("html", m.html());
            n.put("receivedAt", m.receivedAt().toString());
        }
        return JSON.writeValueAsString(array);
    }

    private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String escape(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static String header(MimeMessage message, String name) throws MessagingException {
        String value = message.getHeader(name, " ");
        return value == null ? null : value.strip();
    }

    private static List<String> references(String header) {
        if (header == null || header.isBlank()) return List.of();
        return java.util.Arrays.stream(header.strip().split("\\s+")).toList();
    }

    private static ReceivedMail toMail(MimeMessage message) {
        try {
            Bodies bodies = new Bodies();
            bodies.collect(message);
            Date received = message.getReceivedDate() != null ? message.getReceivedDate() : message.getSentDate();
            return new ReceivedMail(join(message.getFrom()), addresses(message.getRecipients(Message.RecipientType.TO)),
                    addresses(message.getRecipients(Message.RecipientType.CC)), message.getSubject(), bodies.text,
                    bodies.html, received == null ? Instant.now() : received.toInstant(), header(message, "Message-ID"),
                    header(message, "In-Reply-To"), references(header(message, "References")));
        } catch (MessagingException | IOException e) {
            throw new IllegalStateException("cannot read a received e-mail: " + e.getMessage(), e);
        }
    }

    /** The first text/plain and text/html parts of a message, depth first. */
    private static final class Bodies {
        String text;
        String html;

        void collect(Part part) throws MessagingException, IOException {
            if (Part.ATTACHMENT.equalsIgnoreCase(part.getDisposition())) return;
            if (part.isMimeType("text/plain") && text == null) {
                text = String.valueOf(part.getContent());
            } else if (part.isMimeType("text/html") && html == null) {
                html = String.valueOf(part.getContent());
            } else if (part.isMimeType("multipart/*")) {
                Multipart multipart = (Multipart) part.getContent();
                for (int i = 0; i < multipart.getCount(); i++) {
                    BodyPart child = multipart.getBodyPart(i);
                    collect(child);
                }
            }
        }
    }

    private static List<String> addresses(Address[] addresses) {
        List<String> out = new ArrayList<>();
        if (addresses != null) {
            for (Address a : addresses) out.add(a instanceof jakarta.mail.internet.InternetAddress ia ? ia.getAddress() : a.toString());
        }
        return out;
    }

    private static String join(Address[] addresses) {
        return addresses == null ? null : String.join(", ", Arrays.stream(addresses).map(Address::toString).toList());
    }

    private static void requireFree(String host, int port) {
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the SMTP server on port " + port
                    + ": it is in use (pass 0 for a free port)", e);
        }
    }
}
