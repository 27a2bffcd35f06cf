package dev.verity.e2e;

import dev.verity.events.EventCodec;
import dev.verity.events.Topics;
import dev.verity.stack.DemoStory;
import dev.verity.stack.LocalForge;
import dev.verity.stack.LocalStack;
import dev.verity.stack.StackOptions;
import dev.verity.events.Envelope;
import dev.verity.testkit.mail.ReceivedMail;
import dev.verity.testkit.otel.CollectedSpan;
import dev.verity.testkit.otel.OtlpCollector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import dev.verity.testkit.forge.StatusCall;
import dev.verity.testkit.slack.SlackMessage;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import dev.verity.testkit.browser.HeadlessChromium;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole chain through real Kafka: each of the five services runs as its own process from its packaged app;
 * a signed webhook for a real Git push ends as objects in the Kubernetes sandbox; a change behind Verity's back
 * ends as a Slack message and an e-mail, resolved in its thread once {@code verity sync} undid it; a broken push leaves
 * the cluster unchanged and is alerted; the local forge shows each commit's status (pending → success, failure); the
 * CLI and the notifier's status page (in headless Chromium; skipped, saying so, where none is installed) tell the same
 * from the topics; the release is one trace at the stack's OTLP collector, with connected spans from every process it
 * went through.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PushToAlertE2EIT {

    static LocalStack stack;
    static DemoStory story;
    static LocalForge.Push release;
    static SlackMessage driftIncident;

    @BeforeAll
    static void startStack() throws Exception {
        Path dir = Files.createTempDirectory("verity-e2e-");
        // every push here comes with its webhook: a poll of Git between a push and its webhook would render the
        // release first, in a trace of its own (the webhook's render then finds nothing to do), which the trace
        // step below would not find rooted at the webhook (seen once in CI with the 30 s default)
        stack = LocalStack.start(StackOptions.onFreePorts(dir).withTraces().withPollInterval(Duration.ofHours(1)));
        story = new DemoStory(stack, Duration.ofMinutes(2));
        story.awaitFirstRollout(); // so that the release below is rendered for its webhook, as the trace step expects
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) stack.close();
    }

    @Test
    @Order(1)
    void aSignedPushReachesTheCluster() {
        release = story.pushReleaseToProd("hello from the e2e test");

        Deployment web = story.awaitProdAt(release.after(), "hello from the e2e test");

        assertThat(web.getSpec().getReplicas()).as("prod overlay sets 3 replicas").isEqualTo(3);
        assertThat(web.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.27.3");
        assertThat(web.getMetadata().getManagedFields()).anySatisfy(f -> {
            assertThat(f.getManager()).isEqualTo("verity");
            assertThat(f.getOperation()).isEqualTo("Apply");
        });
        assertThat(stack.kafka().readValues(Topics.COMMITS)).map(v -> new EventCodec().decode(v).commit())
                .contains(release.after());
        assertThat(stack.sandbox().client().namespaces().withName("shop-dev").get())
                .as("the dev overlay is applied too").isNotNull();
        List<StatusCall> statuses = story.awaitCommitStatus(release.after(), "success", "Applied and healthy in local/shop/prod");
        assertThat(statuses).extracting(StatusCall::state).as("the commit's statuses on the local forge: pending"
                + " once rendered (unless the applier's ApplyStarted was read first), pending while applied, success")
                .hasSizeBetween(2, 3).endsWith("success");
        assertThat(statuses.subList(0, statuses.size() - 1)).extracting(StatusCall::state).containsOnly("pending");
        List<StatusCall> rendering = story.awaitRenderStatus(release.after(), "success", "local/shop/prod");
        assertThat(rendering).extracting(StatusCall::state).as("verity/render: pending from the push until rendered")
                .containsExactly("pending", "success");
        assertThat(rendering.get(0).description()).startsWith("Rendering main at " + release.after().substring(0, 12));
        assertThat(statuses).allSatisfy(c -> {
            assertThat(c.path()).isEqualTo("/github/repos/local/gitops/statuses/" + release.after());
            assertThat(c.authorized()).isTrue();
        });
    }

    @Test
    @Order(2)
    void aChangeBehindVerityBackIsAlertedOnSlackAndByEmail() {
        DemoStory.AlertMark mark = story.mark();

        story.scaleBehindVerityBack(7);

        SlackMessage slack = story.awaitSlackAlert(mark, "the drift", "shop-prod/web", "spec.replicas");
        assertThat(slack.readableText()).contains("local/shop/prod");
        assertThat(slack.isReply()).as("the incident's first message starts its thread").isFalse();
        driftIncident = slack;
        ReceivedMail mail = story.awaitEmailAlert(mark, "the drift", "shop-prod/web", "spec.replicas");
        assertThat(mail.to()).contains("platform-team@verity.local");
        assertThat(stack.sandbox().client().apps().deployments().inNamespace(DemoStory.NAMESPACE)
                .withName(DemoStory.DEPLOYMENT).get().getSpec().getReplicas())
                .as("selfHeal is off by default: Verity alerts and leaves the change").isEqualTo(7);
    }

    @Test
    @Order(3)
    void aBrokenPushChangesNothingAndIsAlerted() {
        Map<String, String> before = story.prodObjects();
        DemoStory.AlertMark mark = story.mark();

        LocalForge.Push broken = story.pushBrokenProdOverlay();

        SlackMessage slack = story.awaitSlackAlert(mark, "the render failure", "local/shop/prod", "hpa.yaml");
        assertThat(slack.readableText()).contains(broken.after().substring(0, 12));
        story.awaitEmailAlert(mark, "the render failure", "local/shop/prod", "hpa.yaml");
        assertThat(story.prodObjects()).as("the cluster keeps what it had").isEqualTo(before).isNotEmpty();
        StatusCall failed = story.awaitCommitStatus(broken.after(), "failure", "RenderFailed in local/shop/prod").get(0);
        assertThat(failed.description()).hasSizeLessThanOrEqualTo(140);
    }

    @Test
    @Order(4)
    void statusAndLogsTellWhatHappenedFromTheTopics() {
        // after the drift (left alone: selfHeal off) and the broken push (refused by the renderer)
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            String status = cli("status", "--bootstrap-server", stack.kafka().bootstrapServers(), "--cluster", LocalStack.CLUSTER);
            assertThat(status).contains("local/shop/prod", "RenderFailed", "hpa.yaml",
                    "drift: Deployment shop-prod/web: spec.replicas", "incident: DRIFT", "incident: RENDER_FAILURE");
        });
        Cli diff = run("diff", DemoStory.PROD.toString(), "--bootstrap-server", stack.kafka().bootstrapServers(),
                "--kubeconfig", stack.kubeconfig().toString());
        assertThat(diff.code()).as(diff.err()).isEqualTo(1);
        assertThat(diff.out()).contains("Deployment shop-prod/web: differs", "spec.replicas: 3 (desired)  →  7 (live)");
        String logs = cli("logs", DemoStory.PROD.toString(), "--bootstrap-server", stack.kafka().bootstrapServers());
        assertThat(logs).contains("rendered apps/shop/overlays/prod", "applied:", "drift MODIFIED Deployment shop-prod/web",
                "render failed", release.after().substring(0, 12));
    }

    @Test
    @Order(5)
    void theStatusPageShowsTheSameInChromiumWithTheTargetsDriftAndIncidentHistory() throws Exception {
        Assumptions.assumeTrue(HeadlessChromium.find().isPresent(), HeadlessChromium.whereLooked());
        HeadlessChromium chromium = HeadlessChromium.find().orElseThrow();
        // served by the notifier; the address opens local/shop/prod's details
        URI page = URI.create(stack.services().get("notifier").url() + "/status#" + DemoStory.PROD);
        String[] dom = new String[1];
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            dom[0] = chromium.dumpDom(page, 5000);
            assertThat(dom[0]).contains("local/shop/prod", "local/shop/dev", "RenderFailed", "hpa.yaml",
                    release.after().substring(0, 12), "Deployment shop-prod/web: spec.replicas",
                    "drift MODIFIED Deployment shop-prod/web: spec.replicas", "incident DRIFT open", "incident RENDER_FAILURE open");
        });
        Files.writeString(Path.of("target/status-page.html"), dom[0]);
        assertThat(dom[0]).as("local/shop/prod's row: the broken push is its sync state")
                .containsPattern("data-target=\"local/shop/prod\"><th[^>]*><a [^>]*>local/shop/prod</a></th><td><span class=\"state bad\">RenderFailed</span>");
        assertThat(dom[0]).as("its details are open, as the address asked")
                .containsPattern("<details [^>]*data-target=\"local/shop/prod\"[^>]* open=\"");
        Path png = chromium.screenshot(page, Path.of("target/status-page.png"), 1280, 960, 5000);
        assertThat(png).isNotEmptyFile();
    }

    @Test
    @Order(6)
    void syncConvergesTheTargetNowRestoringWhatWasChangedByHand() {
        String sync = cli("sync", DemoStory.PROD.toString(), "--bootstrap-server", stack.kafka().bootstrapServers());
        assertThat(sync).contains("applied:");
        assertThat(stack.sandbox().client().apps().deployments().inNamespace(DemoStory.NAMESPACE)
                .withName(DemoStory.DEPLOYMENT).get().getSpec().getReplicas())
                .as("the kubectl scale to 7 is undone: prod's overlay says 3").isEqualTo(3);
        Cli diff = run("diff", DemoStory.PROD.toString(), "--bootstrap-server", stack.kafka().bootstrapServers(),
                "--kubeconfig", stack.kubeconfig().toString());
        assertThat(diff.code()).as(diff.out() + diff.err()).isZero();
        assertThat(diff.out()).contains("no difference");
        SlackMessage resolved = story.awaitResolvedInThread(driftIncident, "drift");
        assertThat(resolved.threadTs()).as("the resolution is a reply in the drift incident's thread")
                .isEqualTo(driftIncident.ts());
        // the status page's data follows: the drift is closed in the target's history
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        URI api = URI.create(stack.services().get("notifier").url() + "/status/api/targets?cluster=" + LocalStack.CLUSTER);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(http.send(java.net.http.HttpRequest.newBuilder(api).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body())
                        .contains("drift resolved Deployment shop-prod/web", "incident DRIFT resolved"));
    }

    @Test
    @Order(7)
    void everyMetricTheGrafanaDashboardQueriesIsExposedBySomeService() throws Exception {
        String dashboard = Files.readString(Path.of("../deploy/grafana/verity-dashboard.json"));
        java.util.Set<String> queried = new java.util.TreeSet<>();
        java.util.regex.Matcher expr = java.util.regex.Pattern.compile("\"expr\": \"([^\"]*)\"").matcher(dashboard);
        while (expr.find()) {
            java.util.regex.Matcher metric = java.util.regex.Pattern.compile("verity_[a-z_]+").matcher(expr.group(1));
            while (metric.find()) queried.add(metric.group().replaceAll("_(bucket|count|sum)$", ""));
        }
        assertThat(queried).hasSizeGreaterThan(15);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        StringBuilder exposed = new StringBuilder();
        for (dev.verity.stack.ServiceProcess service : stack.services().values()) {
            exposed.append(http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(service.url() + "/q/metrics")).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body()).append('\n');
        }
        java.util.Set<String> names = new java.util.TreeSet<>();
        exposed.toString().lines().filter(l -> l.startsWith("verity_"))
                .forEach(l -> names.add(l.replaceAll("[{ ].*", "").replaceAll("_(bucket|count|sum|max)$", "")));
        // its tag is the unknown event's type: a series exists only once a service skipped a record (none here)
        queried.remove("verity_events_skipped_total");
        assertThat(names).as("metrics the services expose").containsAll(queried);
    }

    @Test
    @Order(8)
    void theReleaseIsOneTraceFromWebhookToRenderApplyHealthAndAlert() throws Exception {
        // the trace context is the CloudEvent's traceparent, and the Kafka header carries the same value
        ConsumerRecord<String, String> pushed = stack.kafka().readAll(Topics.COMMITS).stream()
                .filter(r -> new EventCodec().decode(r.value()).commit().equals(release.after())).findFirst().orElseThrow();
        Envelope envelope = new EventCodec().decodeEnvelope(pushed.value());
        assertThat(new String(pushed.headers().lastHeader("traceparent").value(), java.nio.charset.StandardCharsets.US_ASCII))
                .as("the Kafka header mirrors the CloudEvent").isEqualTo(envelope.traceparent());
        assertThat(pushed.headers().headers("traceparent")).as("one context, not a second one from the connector")
                .hasSize(1);
        String traceId = envelope.traceparent().split("-")[1];
        String receiverSpan = envelope.traceparent().split("-")[2];

        OtlpCollector collector = stack.traces().orElseThrow();
        List<CollectedSpan> trace = collector.awaitTrace(t -> t.get(0).traceId().equals(traceId)
                && t.stream().anyMatch(sp -> sp.service().equals("verity-notifier")
                        && HEALTHY.equals(sp.attributes().get("verity.event.type")))
                && named(t, "verity-drift-monitor", "compare after apply").isPresent(), Duration.ofSeconds(90));
        // kept beside the services' logs, to read what the collector received
        Files.writeString(stack.workDir().resolve("traces.txt"), collector.describe());

        assertThat(trace.stream().map(CollectedSpan::service).distinct())
                .as("processes in the release's trace")
                .contains("verity-webhook-receiver", "verity-renderer", "verity-applier", "verity-drift-monitor",
                        "verity-notifier");
        CollectedSpan webhook = trace.stream().filter(sp -> sp.spanId().equals(receiverSpan)).findFirst().orElseThrow();
        assertThat(webhook.service()).isEqualTo("verity-webhook-receiver");
        assertThat(webhook.kind()).isEqualTo("SERVER");
        assertThat(webhook.name()).as("named by the Vert.x route, as its metrics are labelled").isEqualTo("POST /hooks/github");
        assertThat(webhook.attributes()).containsEntry("http.route", "/hooks/github")
                .containsEntry("http.response.status_code", "202");
        assertThat(webhook.root()).as("the trace starts at the webhook").isTrue();
        assertThat(webhook.attributes()).containsEntry("verity.commit", release.after());

        CollectedSpan render = named(trace, "verity-renderer", "render commit").orElseThrow();
        assertThat(render.parentSpanId()).as("the renderer continues the receiver's span").isEqualTo(webhook.spanId());
        CollectedSpan apply = trace.stream().filter(sp -> sp.service().equals("verity-applier")
                && sp.name().equals("apply desired state")
                && DemoStory.PROD.toString().equals(sp.attributes().get("verity.target"))).findFirst().orElseThrow();
        assertThat(apply.parentSpanId()).as("the applier continues the renderer's span").isEqualTo(render.spanId());
        // health found by a later poll continues the apply (found at once, it is reported in the apply's span)
        named(trace, "verity-applier", "check health").ifPresent(health -> assertThat(health.parentSpanId())
                .as("health continues the apply").isIn(trace.stream().filter(sp -> sp.name().equals("apply desired state"))
                        .map(CollectedSpan::spanId).toList()));
        assertThat(named(trace, "verity-drift-monitor", "track desired state").orElseThrow().parentSpanId())
                .as("the drift monitor takes the desired state in the renderer's trace").isEqualTo(render.spanId());
        assertThat(trace.stream().filter(sp -> sp.service().equals("verity-notifier") && sp.name().equals("notify"))
                .map(CollectedSpan::parentSpanId))
                .as("the notifier continues the spans that published the events it alerts on")
                .allSatisfy(parent -> assertThat(spanOf(trace, parent).service())
                        .isIn("verity-applier", "verity-drift-monitor", "verity-renderer", "verity-webhook-receiver"));
        assertThat(trace).as("every parent is a span of the trace: nothing disconnected")
                .allSatisfy(sp -> {
                    if (!sp.root()) assertThat(spanOf(trace, sp.parentSpanId())).isNotNull();
                });
        assertThat(trace.stream().filter(CollectedSpan::root)).as("one root: the webhook").containsExactly(webhook);
        assertThat(collector.spans()).as("a client call outside Verity's work (informers, health polls) is no trace")
                .noneMatch(sp -> sp.kind().equals("CLIENT") && sp.root());
        assertThat(collector.describe()).as("no secret in any span")
                .doesNotContain(stack.slack().botToken(), "local-stack-webhook-secret", "local-stack-forge-token");
    }

    private static final String HEALTHY = "dev.verity.rollout.healthy.v1";

    private static java.util.Optional<CollectedSpan> named(List<CollectedSpan> trace, String service, String name) {
        return trace.stream().filter(sp -> sp.service().equals(service) && sp.name().equals(name)).findFirst();
    }

    private static CollectedSpan spanOf(List<CollectedSpan> trace, String spanId) {
        return trace.stream().filter(sp -> sp.spanId().equals(spanId)).findFirst()
                .orElseThrow(() -> new AssertionError("no span " + spanId + " in the trace:\n"
                        + trace.stream().map(CollectedSpan::readable).collect(java.util.stream.Collectors.joining("\n"))));
    }

    private record Cli(int code, String out, String err) {
    }

    private static Cli run(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int code = dev.verity.cli.VerityOps.run(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8), args);
        return new Cli(code, out.toString(java.nio.charset.StandardCharsets.UTF_8), err.toString(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static String cli(String... args) {
        Cli result = run(args);
        assertThat(result.code()).as(result.err()).isZero();
        return result.out();
    }
}
