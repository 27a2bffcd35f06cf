package dev.verity.notifier.delivery;

import dev.verity.notifier.alert.Alert;
import dev.verity.notifier.alert.SlackMessageFormatter;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/**
 * Posts alerts to a Slack incoming webhook as Block Kit JSON and expects Slack's {@code 200 ok}. Slack refuses a post
 * with a 4xx and a plain-text code ({@code invalid_payload}, {@code channel_not_found}, {@code channel_is_archived},
 * {@code no_service}, …): permanent, never retried; 429 is retried no sooner than its {@code Retry-After}, 5xx and
 * no answer are transient. The webhook URL is a secret (anyone holding it can post): it is never logged or put in an
 * error; only its host is.
 */
public final class SlackWebhook implements Destination {

    private final String name;
    private final URI url;
    private final Duration timeout;
    private final SlackMessageFormatter formatter;
    private final HttpClient http;

    public SlackWebhook(URI url, Duration timeout, SlackMessageFormatter formatter) {
        this("slack", url, timeout, formatter);
    }

    /** @param name the destination's name, unique among the dispatcher's destinations */
    public SlackWebhook(String name, URI url, Duration timeout, SlackMessageFormatter formatter) {
        this.name = name;
        if (url == null || url.getHost() == null || !("https".equals(url.getScheme()) || "http".equals(url.getScheme()))) {
            throw new IllegalArgumentException("the Slack webhook URL must be an http(s) URL with a host, such as "
                    + "https://hooks.slack.com/services/T000/B000/XXXX");
        }
        this.url = url;
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
        return "Slack incoming webhook on " + url.getHost() + (url.getPort() > 0 ? ":" + url.getPort() : "");
    }

    @Override
    public void deliver(Alert alert) throws DeliveryException {
        HttpRequest request = HttpRequest.newBuilder(url).timeout(timeout)
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(formatter.format(alert)))
                .build();
        HttpResponse<String> response = HttpDelivery.send(http, request, describe(), timeout);
        int status = response.statusCode();
        String body = response.body() == null ? "" : response.body().strip();
        if (status == 200 && body.equals("ok")) return;
        String answer = describe() + " answered " + status + " " + (body.length() > 200 ? body.substring(0, 200) + "…" : body);
        if (status == 429) throw new DeliveryException(answer, HttpDelivery.retryAfter(response));
        // Slack answers a refused webhook post with a 4xx and a plain-text code; none of them changes by waiting
        boolean retryable = status >= 500 || status == 408;
        String hint = switch (body) {
            case "channel_not_found", "channel_is_archived", "action_prohibited", "posting_to_general_channel_denied" ->
                    "; the webhook's channel is gone, archived or closed to it: create a new webhook for a channel"
                    + " and set it in verity.notifier.slack.webhook-url (or the route's slack.webhook-url)";
            case "no_service", "no_active_hooks", "invalid_token", "team_disabled" ->
                    "; the webhook is revoked or wrong: check verity.notifier.slack.webhook-url";
            case "invalid_payload", "no_text", "invalid_blocks", "too_many_attachments" ->
                    "; the message was refused: this is a bug in the notifier's message";
            default -> switch (status) {
                case 400 -> "; the message was refused: this is a bug in the notifier's message";
                case 403, 404, 410 -> "; the webhook is revoked or wrong: check verity.notifier.slack.webhook-url";
                default -> retryable ? "" : "; Slack answers 200 ok to a good webhook post";
            };
        };
        throw new DeliveryException(answer + hint, retryable);
    }
}
