package dev.verity.testkit.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SlackRecorderIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private SlackRecorder slack;

    @BeforeEach
    void start() {
        slack = SlackRecorder.start();
    }

    @AfterEach
    void stop() {
        slack.close();
    }

    @Test
    void incomingWebhookAnswersOkAndRecordsTextAndBlocks() throws Exception {
        String blocks = "[{\"type\":\"header\",\"text\":{\"type\":\"plain_text\",\"text\":\"Drift in local/shop/prod\"}},"
                + "{\"type\":\"section\",\"fields\":[{\"type\":\"mrkdwn\",\"text\":\"*Object*\\nDeployment shop-prod/web\"}]}]";
        HttpResponse<String> response = post(slack.webhookUrl(), "application/json",
                "{\"text\":\"Drift in local/shop/prod\",\"blocks\":" + blocks + "}", null);

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).isEqualTo("ok");
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));
        SlackMessage m = slack.awaitMessages(1, Duration.ofSeconds(5)).get(0);
        assertThat(m.via()).isEqualTo(SlackMessage.Via.WEBHOOK);
        assertThat(m.channel()).isEqualTo(slack.channel("alerts"));
        assertThat(m.text()).isEqualTo("Drift in local/shop/prod");
        assertThat(JSON.readTree(m.blocks())).isEqualTo(JSON.readTree(blocks));
        assertThat(m.readableText()).contains("Drift in local/shop/prod", "Deployment shop-prod/web");
        assertThat(m.ts()).matches("\\d+\\.\\d{6}");
        assertThat(m.receivedAt()).isNotNull();
    }

    @Test
    void incomingWebhookRefusesBadPayloadsAsSlackDoes() throws Exception {
        HttpResponse<String> notJson = post(slack.webhookUrl(), "application/json", "{not json", null);
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat(notJson.body()).isEqualTo("invalid_payload");

        HttpResponse<String> noText = post(slack.webhookUrl(), "application/json", "{\"username\":\"verity\"}", null);
        assertThat(noText.statusCode()).isEqualTo(400);
        assertThat(noText.body()).isEqualTo("no_text");

        HttpResponse<String> unknownHook = post(slack.url() + "/services/T0/B0/nope", "application/json", "{\"text\":\"x\"}", null);
        assertThat(unknownHook.statusCode()).isEqualTo(404);
        assertThat(unknownHook.body()).isEqualTo("no_service");

        assertThat(slack.messages()).isEmpty();
    }

    @Test
    void incomingWebhookAcceptsTheFormEncodedPayloadField() throws Exception {
        HttpResponse<String> response = post(slack.webhook("deploys"), "application/x-www-form-urlencoded",
                "payload=" + java.net.URLEncoder.encode("{\"text\":\"hello\"}", java.nio.charset.StandardCharsets.UTF_8), null);
        assertThat(response.body()).isEqualTo("ok");
        assertThat(slack.messages("#deploys")).extracting(SlackMessage::text).containsExactly("hello");
        assertThat(slack.messages("alerts")).isEmpty();
    }

    @Test
    void chatPostMessageAnswersWithChannelAndUniqueTsSoThreadsCanBeFollowed() throws Exception {
        JsonNode first = postMessage("{\"channel\":\"#alerts\",\"text\":\"ApplyFailed local/shop/prod\"}");
        assertThat(first.get("ok").asBoolean()).isTrue();
        assertThat(first.get("channel").asText()).isEqualTo(slack.channel("alerts")).startsWith("C");
        String parentTs = first.get("ts").asText();
        assertThat(first.at("/message/text").asText()).isEqualTo("ApplyFailed local/shop/prod");
        assertThat(first.at("/message/ts").asText()).isEqualTo(parentTs);

        JsonNode reply = postMessage("{\"channel\":\"" + first.get("channel").asText()
                + "\",\"text\":\"still failing\",\"thread_ts\":\"" + parentTs + "\"}");
        assertThat(reply.get("ok").asBoolean()).isTrue();
        assertThat(reply.get("ts").asText()).isNotEqualTo(parentTs);
        assertThat(reply.at("/message/thread_ts").asText()).isEqualTo(parentTs);

        assertThat(slack.replies(parentTs)).extracting(SlackMessage::text).containsExactly("still failing");
        assertThat(slack.messages()).extracting(SlackMessage::isReply).containsExactly(false, true);
    }

    @Test
    void chatUpdateReplacesAPostedMessageAndKeepsWhatItSaidBefore() throws Exception {
        JsonNode root = postMessage("{\"channel\":\"#alerts\",\"text\":\"Drift: local/shop/prod (open)\"}");
        String ts = root.get("ts").asText();
        HttpResponse<String> updated = post(slack.apiUrl() + "/chat.update", "application/json", "{\"channel\":\""
                + root.get("channel").asText() + "\",\"ts\":\"" + ts + "\",\"text\":\"Drift: local/shop/prod (resolved)\"}",
                "Bearer " + slack.botToken());
        JsonNode answer = JSON.readTree(updated.body());
        assertThat(answer.get("ok").asBoolean()).isTrue();
        assertThat(answer.get("ts").asText()).isEqualTo(ts);
        SlackMessage edited = slack.messages().stream().filter(m -> m.ts().equals(ts)).findFirst().orElseThrow();
        assertThat(edited.readableText()).isEqualTo("Drift: local/shop/prod (resolved)");
        assertThat(edited.edits()).containsExactly("Drift: local/shop/prod (open)");
        HttpResponse<String> listed = http.send(HttpRequest.newBuilder(URI.create(slack.url() + "/messages")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(listed.body()).contains("\"edited\" : true", "Drift: local/shop/prod (open)");

        assertThat(error(post(slack.apiUrl() + "/chat.update", "application/json",
                "{\"channel\":\"#alerts\",\"ts\":\"1.000001\",\"text\":\"x\"}", "Bearer " + slack.botToken())))
                .isEqualTo("message_not_found");
        post(slack.webhookUrl(), "application/json", "{\"text\":\"by webhook\"}", null);
        SlackMessage byWebhook = slack.messages().get(slack.messages().size() - 1);
        assertThat(error(post(slack.apiUrl() + "/chat.update", "application/json", "{\"channel\":\""
                + byWebhook.channel() + "\",\"ts\":\"" + byWebhook.ts() + "\",\"text\":\"x\"}",
                "Bearer " + slack.botToken()))).isEqualTo("cant_update_message");
        assertThat(error(post(slack.apiUrl() + "/chat.update", "application/json",
                "{\"channel\":\"#alerts\",\"ts\":\"" + ts + "\",\"text\":\"x\"}", "Bearer wrong")))
                .isEqualTo("invalid_auth");
    }

    @Test
    void chatPostMessageTimestampsAreUniqueUnderConcurrentPosts() {
        List<CompletableFuture<HttpResponse<String>>> posts = java.util.stream.IntStream.range(0, 40)
                .mapToObj(i -> http.sendAsync(request(slack.apiUrl() + "/chat.postMessage", "application/json",
                        "{\"channel\":\"general\",\"text\":\"m" + i + "\"}", "Bearer " + slack.botToken()),
                        HttpResponse.BodyHandlers.ofString()))
                .toList();
        posts.forEach(CompletableFuture::join);
        assertThat(slack.messages()).hasSize(40);
        assertThat(slack.messages()).extracting(SlackMessage::ts).doesNotHaveDuplicates();
    }

    @Test
    void chatPostMessageAnswersSlacksErrors() throws Exception {
        assertThat(error(post(slack.apiUrl() + "/chat.postMessage", "application/json", "{\"channel\":\"alerts\",\"text\":\"x\"}", null)))
                .isEqualTo("not_authed");
        assertThat(error(post(slack.apiUrl() + "/chat.postMessage", "application/json", "{\"channel\":\"alerts\",\"text\":\"x\"}", "Bearer xoxb-wrong")))
                .isEqualTo("invalid_auth");
        assertThat(postMessage("{\"channel\":\"#nowhere\",\"text\":\"x\"}").get("error").asText()).isEqualTo("channel_not_found");
        assertThat(postMessage("{\"text\":\"x\"}").get("error").asText()).isEqualTo("channel_not_found");
        assertThat(postMessage("{\"channel\":\"alerts\"}").get("error").asText()).isEqualTo("no_text");
        assertThat(postMessage("{oops").get("error").asText()).isEqualTo("invalid_json");
        assertThat(slack.messages()).isEmpty();
    }

    @Test
    void chatPostMessageAcceptsFormEncodedWithTokenField() throws Exception {
        HttpResponse<String> response = post(slack.apiUrl() + "/chat.postMessage", "application/x-www-form-urlencoded",
                "token=" + slack.botToken() + "&channel=general&text=hi+there", null);
        assertThat(JSON.readTree(response.body()).get("ok").asBoolean()).isTrue();
        assertThat(slack.messages("general")).extracting(SlackMessage::text).containsExactly("hi there");
    }

    @Test
    void servesWhatItReceivedAsHtmlAndJson() throws Exception {
        post(slack.webhookUrl(), "application/json", "{\"text\":\"Drift: spec.replicas of Deployment shop-prod/web <changed>\"}", null);

        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(slack.url() + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.body()).contains("1 message(s)", "#alerts",
                "Drift: spec.replicas of Deployment shop-prod/web &lt;changed&gt;");

        JsonNode list = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create(slack.url() + "/messages")).build(),
                HttpResponse.BodyHandlers.ofString()).body());
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("channel_name").asText()).isEqualTo("alerts");
        assertThat(list.get(0).get("text").asText()).contains("spec.replicas");
    }

    @Test
    void awaitingTimesOutNamingWhatWasReceived() throws Exception {
        post(slack.webhookUrl(), "application/json", "{\"text\":\"only one\"}", null);
        assertThatThrownBy(() -> slack.awaitMessages(2, Duration.ofMillis(300)))
                .hasMessageContaining("expected at least 2 Slack messages").hasMessageContaining("only one");
        assertThat(slack.awaitMessage(m -> m.text().equals("only one"), Duration.ofSeconds(1)).text()).isEqualTo("only one");
    }

    @Test
    void awaitReturnsAsSoonAsAMessageArrives() {
        CompletableFuture<List<SlackMessage>> waiting = CompletableFuture.supplyAsync(
                () -> slack.awaitMessages(1, Duration.ofSeconds(10)));
        long started = System.nanoTime();
        post(slack.webhookUrl(), "application/json", "{\"text\":\"now\"}", null);
        assertThat(waiting.join()).extracting(SlackMessage::text).containsExactly("now");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void injectedFailuresAnswerAsAnUnavailableSlackThenRecover() {
        slack.failNextPosts(2, 503);
        assertThat(post(slack.webhookUrl(), "application/json", "{\"text\":\"a\"}", null).statusCode()).isEqualTo(503);
        slack.failNextPosts(1, 429);
        HttpResponse<String> limited = post(slack.webhookUrl(), "application/json", "{\"text\":\"b\"}", null);
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(post(slack.webhookUrl(), "application/json", "{\"text\":\"c\"}", null).body()).isEqualTo("ok");
        assertThat(slack.messages()).extracting(SlackMessage::text).containsExactly("c");
    }

    @Test
    void anOutageAnswers5xxOrRefusesConnectionsUntilItRecoversOnTheSamePortWithWhatItHad() {
        assertThat(post(slack.webhookUrl(), "application/json", "{\"text\":\"before\"}", null).body()).isEqualTo("ok");
        int port = slack.port();

        slack.down(503);
        assertThat(slack.up()).isFalse();
        assertThat(post(slack.webhookUrl(), "application/json", "{\"text\":\"a\"}", null).statusCode()).isEqualTo(503);
        assertThat(post(slack.apiUrl() + "/chat.postMessage", "application/json", "{\"channel\":\"#alerts\",\"text\":\"b\"}",
                "Bearer " + slack.botToken()).statusCode()).isEqualTo(503);

        slack.refuseConnections();
        assertThatThrownBy(() -> http.send(request(slack.webhookUrl(), "application/json", "{\"text\":\"c\"}", null),
                HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.net.ConnectException.class);

        slack.recover();
        assertThat(slack.up()).isTrue();
        assertThat(slack.port()).isEqualTo(port);
        assertThat(post(slack.webhookUrl(), "application/json", "{\"text\":\"after\"}", null).body()).isEqualTo("ok");
        assertThat(slack.messages()).extracting(SlackMessage::text).containsExactly("before", "after");
    }

    @Test
    void aSlowSlackRecordsThePostAtOnceAndHoldsItsAnswer() throws Exception {
        slack.delayAnswers(Duration.ofMillis(1500));
        long t0 = System.nanoTime();
        CompletableFuture<HttpResponse<String>> answer = http.sendAsync(request(slack.webhookUrl(), "application/json",
                "{\"text\":\"slow\"}", null), HttpResponse.BodyHandlers.ofString());

        slack.awaitMessages(1, Duration.ofSeconds(5));
        assertThat(answer).isNotDone();
        assertThat(answer.get(10, java.util.concurrent.TimeUnit.SECONDS).body()).isEqualTo("ok");
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
        slack.recover();
        assertThat(post(slack.webhookUrl(), "application/json", "{\"text\":\"fast\"}", null).body()).isEqualTo("ok");
    }

    @Test
    void startsOnAGivenPortAndRefusesABusyOne() {
        try (SlackRecorder other = SlackRecorder.start(0)) {
            assertThat(other.port()).isNotEqualTo(slack.port());
            assertThatThrownBy(() -> SlackRecorder.start(other.port())).hasMessageContaining("port " + other.port());
        }
    }

    private JsonNode postMessage(String json) throws Exception {
        HttpResponse<String> response = post(slack.apiUrl() + "/chat.postMessage", "application/json; charset=utf-8",
                json, "Bearer " + slack.botToken());
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static String error(HttpResponse<String> response) throws Exception {
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("ok").asBoolean()).isFalse();
        return body.get("error").asText();
    }

    private HttpResponse<String> post(String url, String contentType, String body, String authorization) {
        try {
            return http.send(request(url, contentType, body, authorization), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static HttpRequest request(String url, String contentType, String body, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) b.header("Authorization", authorization);
        return b.build();
    }
}
