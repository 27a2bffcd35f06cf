package dev.verity.notifier.delivery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verity.notifier.alert.Alert;
import dev.verity.notifier.alert.SlackMessageFormatter;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Set;

/**
 * Posts alerts to a Slack channel through the Web API with a bot token ({@code chat.postMessage}), threading each
 * incident: its first message is posted to the channel, every later one is a reply in that message's thread
 * ({@code thread_ts}), and the first message is edited ({@code chat.update}) to show the incident's current state.
 * The thread's reference is {@code <channel id> <ts>} of the first message. In a thread shared by a grouped
 * announcement's incidents the first message is the group's summary: replies leave it as it is.
 *
 * <p>The Web API answers HTTP 200 with {@code "ok": false} and an error code for most failures: those Slack
 * documents as temporary ({@code ratelimited}, {@code internal_error}, {@code fatal_error},
 * {@code service_unavailable}, {@code request_timeout}) are transient; the rest (a wrong channel, a revoked token, a
 * refused message) are not retried. HTTP 429 is retried no sooner than its {@code Retry-After}; 5xx are transient.
 * An edit of the first message that fails is not a failed delivery (the reply is there): it is logged. The token is
 * a secret: never logged or put in an error.
 */
public final class SlackWebApi implements Destination {

    private static final System.Logger LOG = System.getLogger(SlackWebApi.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> TRANSIENT = Set.of("ratelimited", "internal_error", "fatal_error",
            "service_unavailable", "request_timeout");

    private final String name;
    private final URI api;
    private final String token;
    private final String channel;
    private final Duration timeout;
    private final SlackMessageFormatter formatter;
    private final HttpClient http;

    /**
     * @param api     the Web API's base URL, {@code https://slack.com/api}
     * @param token   the bot token ({@code xoxb-…}), with the {@code chat:write} scope
     * @param channel the channel to post to: its id ({@code C…}) or name ({@code #alerts}); the bot must be in it
     */
    public SlackWebApi(URI api, String token, String channel, Duration timeout, SlackMessageFormatter formatter) {
        this("slack", api, token, channel, timeout, formatter);
    }

    /** @param name the destination's name, unique among the dispatcher's destinations */
    public SlackWebApi(String name, URI api, String token, String channel, Duration timeout,
            SlackMessageFormatter formatter) {
        this.name = name;
        if (api == null || api.getHost() == null || !("https".equals(api.getScheme()) || "http".equals(api.getScheme()))) {
            throw new IllegalArgumentException("the Slack API URL must be an http(s) URL with a host, such as "
                    + "https://slack.com/api");
        }
        if (token == null || token.isBlank()) throw new IllegalArgumentException("the Slack bot token is empty");
        if (channel == null || channel.isBlank()) {
            throw new IllegalArgumentException("a Slack channel is required with a bot token (its id C… or #name)");
        }
        this.api = URI.create(api.toString().replaceAll("/+$", "") + "/");
        this.token = token.strip();
        this.channel = channel.strip();
        this.timeout = timeout;
        this.formatter = formatter;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String channel() {
        return "slack";
    }

    @Override
    public String describe() {
        return "Slack Web API (chat.postMessage) to " + channel + " on " + api.getHost()
                + (api.getPort() > 0 ? ":" + api.getPort() : "");
    }

    @Override
    public void deliver(Alert alert) throws DeliveryException {
        call("chat.postMessage", message(alert, channel, null, null));
    }

    @Override
    public String deliver(Alert alert, IncidentThread thread) throws DeliveryException {
        String[] root = thread.reference() == null ? null : thread.reference().split(" ", 2);
        if (root == null || root.length != 2) {
            JsonNode posted = call("chat.postMessage", message(alert, channel, null, null));
            return posted.path("channel").asText() + " " + posted.path("ts").asText();
        }
        call("chat.postMessage", message(alert, root[0], root[1], null));
        if (thread.shared()) return thread.reference(); // the first message is the group's summary: left as it is
        try {
            call("chat.update", message(alert, root[0], null, root[1]));
        } catch (DeliveryException e) {
            LOG.log(System.Logger.Level.WARNING, "incident " + thread.incident() + ": the reply is in its thread, but"
                    + " its first message was not updated: " + e.getMessage());
        }
        return thread.reference();
    }

    /** The formatter's message with the channel, and the thread to reply in or the message to replace. */
    private String message(Alert alert, String channelId, String threadTs, String replaceTs) {
        try {
            ObjectNode message = (ObjectNode) JSON.readTree(formatter.format(alert));
            message.put("channel", channelId);
            if (threadTs != null) message.put("thread_ts", threadTs);
            if (replaceTs != null) message.put("ts", replaceTs);
            return JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the Slack message for " + alert.where(), e);
        }
    }

    private JsonNode call(String method, String body) throws DeliveryException {
        HttpRequest request = HttpRequest.newBuilder(api.resolve(method)).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = HttpDelivery.send(http, request, describe() + " (" + method + ")", timeout);
        int status = response.statusCode();
        String text = response.body() == null ? "" : response.body().strip();
        if (status == 429) {
            throw new DeliveryException(describe() + " answered 429 to " + method + " (rate limited)",
                    HttpDelivery.retryAfter(response));
        }
        if (status >= 500) throw new DeliveryException(describe() + " answered " + status + " to " + method, true);
        JsonNode answer;
        try {
            answer = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            answer = null;
        }
        if (status != 200 || answer == null || !answer.isObject()) {
            throw new DeliveryException(describe() + " answered " + status + " to " + method + " with "
                    + (text.length() > 200 ? text.substring(0, 200) + "…" : text) + "; the Web API answers 200 with JSON",
                    false);
        }
        if (answer.path("ok").asBoolean(false)) return answer;
        String error = answer.path("error").asText("unknown");
        boolean retryable = TRANSIENT.contains(error);
        String hint = switch (error) {
            case "channel_not_found", "not_in_channel", "is_archived" -> "; check verity.notifier.slack.channel and"
                    + " invite the bot to the channel";
            case "not_authed", "invalid_auth", "account_inactive", "token_revoked", "token_expired", "missing_scope" ->
                    "; check verity.notifier.slack.bot-token (a bot token with the chat:write scope)";
            default -> retryable ? "" : "; the message was refused";
        };
        throw new DeliveryException(describe() + " refused " + method + ": " + error + hint, retryable);
    }
}
