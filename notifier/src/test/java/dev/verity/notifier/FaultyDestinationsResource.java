package dev.verity.notifier;

import com.sun.net.httpserver.HttpServer;
import dev.verity.testkit.slack.SlackRecorder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * For {@code DeliveryFaultsIT}: a Slack stand-in (Web API, {@code #alerts}), an SMTP server that is down (a port
 * nothing listens on), and a generic webhook receiver whose next answers a test can set (then 200).
 */
public class FaultyDestinationsResource implements QuarkusTestResourceLifecycleManager {

    /** One request the webhook receiver got: its {@code webhook-id} and what it answered. */
    record Hook(String id, int status, String body) {
    }

    private static volatile SlackRecorder slack;
    private static volatile HttpServer webhook;
    static final List<Hook> HOOKS = new CopyOnWriteArrayList<>();
    /** Statuses the webhook receiver answers next, in order; then 200. */
    static final Deque<Integer> NEXT_ANSWERS = new ConcurrentLinkedDeque<>();

    static SlackRecorder slack() {
        return slack;
    }

    @Override
    public Map<String, String> start() {
        slack = SlackRecorder.start();
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            webhook = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        webhook.createContext("/hooks/verity", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            Integer next = NEXT_ANSWERS.poll();
            int status = next == null ? 200 : next;
            HOOKS.add(new Hook(exchange.getRequestHeaders().getFirst("webhook-id"), status, body));
            if (status == 429) exchange.getResponseHeaders().set("Retry-After", "1");
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        webhook.start();
        return Map.of(
                "verity.notifier.slack.bot-token", slack.botToken(),
                "verity.notifier.slack.channel", "#" + SlackRecorder.DEFAULT_CHANNEL,
                "verity.notifier.slack.api-url", slack.apiUrl(),
                "verity.notifier.email.to", "oncall@example.com",
                "quarkus.mailer.host", "127.0.0.1",
                "quarkus.mailer.port", String.valueOf(closedPort),
                "verity.notifier.webhook.url", "http://127.0.0.1:" + webhook.getAddress().getPort() + "/hooks/verity",
                "verity.notifier.webhook.secret", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw");
    }

    @Override
    public void stop() {
        if (slack != null) slack.close();
        if (webhook != null) webhook.stop(0);
    }
}
