package dev.verity.notifier.statuspage;

import dev.verity.events.Applied;
import dev.verity.events.ApplyCounts;
import dev.verity.events.DesiredState;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftKind;
import dev.verity.events.EventCodec;
import dev.verity.events.Healthy;
import dev.verity.events.ObjectRef;
import dev.verity.events.Policy;
import dev.verity.events.RenderFailed;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.events.topics.TopicPlan;
import dev.verity.events.topics.TopicProvisioner;
import dev.verity.events.topics.TopicSettings;
import dev.verity.testkit.browser.HeadlessChromium;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.URL;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The status page on a real broker: events written to the topics show at {@code /status/api/targets} and on the page
 * in headless Chromium, text from Git and the cluster shown as text (never run as markup), answered 304 while nothing
 * changed.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
class StatusPageIT {

    static final String REPO = "https://git.example.com/acme/gitops";
    static final String C1 = "1111111111111111111111111111111111111111";
    static final TargetKey SHOP = new TargetKey("local", "shop", "prod");
    static final TargetKey CART = new TargetKey("local", "cart", "dev");
    static final ObjectRef WEB = new ObjectRef("apps/v1", "Deployment", "shop-prod", "web");
    /** Would retitle the page and mark the body if it ever ran. */
    static final String SCRIPT = "<script>document.title='owned'</script>";
    static final String IMG = "<img src=x onerror=\"document.body.setAttribute('data-owned','yes')\">";
    static final Duration WAIT = Duration.ofSeconds(60);

    private static boolean published;
    private final EventCodec codec = new EventCodec();

    @TestHTTPResource("/status")
    URL page;

    @BeforeEach
    void publishOnce() throws Exception {
        if (published) return;
        published = true;
        String kafka = EmbeddedKafkaResource.kafka().bootstrapServers();
        try (TopicProvisioner provisioner = TopicProvisioner.connect(kafka, Duration.ofSeconds(30))) {
            provisioner.ensure(TopicPlan.of(TopicSettings.DEFAULTS, List.of("local")));
        }
        DesiredState shop = DesiredState.of(SHOP, REPO, C1, "apps/shop/overlays/prod", Policy.DEFAULT, List.of("a: 1"));
        DesiredState cart = DesiredState.of(CART, REPO, C1, "apps/cart/overlays/dev", Policy.DEFAULT, List.of("b: 1"));
        send(Topics.desired("local"), shop);
        send(Topics.desired("local"), cart);
        send(Topics.ROLLOUT, new Applied(SHOP, REPO, C1, shop.digest(), List.of(WEB), new ApplyCounts(1, 0, 0, 0, 0)));
        send(Topics.ROLLOUT, new Healthy(SHOP, REPO, C1, shop.digest(), List.of(WEB), null));
        send(Topics.ROLLOUT, new Applied(CART, REPO, C1, cart.digest(), List.of(), new ApplyCounts(1, 0, 0, 0, 0)));
        // text that comes from the cluster and from Git
        send(Topics.DRIFT, new DriftDetected(CART, REPO, C1, new ObjectRef("v1", "ConfigMap", "cart-dev", "settings"),
                DriftKind.MODIFIED, List.of("data." + IMG), "5"));
        send(Topics.ROLLOUT, new RenderFailed(CART, REPO, C1, "apps/cart/overlays/dev",
                "kustomization.yaml: unknown field '" + SCRIPT + "'"));
    }

    @Test
    void theApiShowsEachTargetsStateAndHistoryAndAnswers304WhileNothingChanged() throws Exception {
        await().atMost(WAIT).untilAsserted(() -> given().get("/status/api/targets").then().statusCode(200)
                .body("targets.target", org.hamcrest.Matchers.contains("local/cart/dev", "local/shop/prod"))
                .body("targets[0].sync", org.hamcrest.Matchers.equalTo("RenderFailed"))
                // the notifier itself (leader here) opened the incidents the page shows
                .body("targets[0].incidents.size()", org.hamcrest.Matchers.equalTo(2)));
        Response first = given().get("/status/api/targets");
        assertThat(first.jsonPath().getString("targets[1].sync")).isEqualTo("Synced");
        assertThat(first.jsonPath().getString("targets[1].health")).isEqualTo("Healthy");
        assertThat(first.jsonPath().getString("targets[1].commit")).isEqualTo(C1);
        assertThat(first.jsonPath().getString("targets[1].digest")).startsWith("sha256:");
        assertThat(first.jsonPath().getString("targets[0].syncDetail")).isEqualTo("commit 111111111111: kustomization.yaml: unknown field '" + SCRIPT + "'");
        assertThat(first.jsonPath().getList("targets[0].drift", String.class)).containsExactly("ConfigMap cart-dev/settings: data." + IMG);
        assertThat(first.jsonPath().getList("history.'local/cart/dev'.summary", String.class))
                .contains("drift MODIFIED ConfigMap cart-dev/settings: data." + IMG)
                .anySatisfy(s -> assertThat(s).startsWith("incident DRIFT open: "))
                .anySatisfy(s -> assertThat(s).startsWith("incident RENDER_FAILURE open: "));
        assertThat(first.jsonPath().getList("history.'local/shop/prod'", Object.class)).isEmpty();
        assertThat(first.jsonPath().getInt("unreadableRecords")).isZero();
        assertThat(first.header("Content-Type")).startsWith("application/json");
        assertThat(first.header("X-Content-Type-Options")).isEqualTo("nosniff");

        String etag = first.header("ETag");
        assertThat(etag).isNotBlank();
        given().header("If-None-Match", etag).get("/status/api/targets").then().statusCode(304);
        assertThat(given().queryParam("cluster", "elsewhere").get("/status/api/targets").jsonPath().getList("targets")).isEmpty();

        send(Topics.DRIFT, new DriftDetected(SHOP, REPO, C1, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), "9"));
        await().atMost(WAIT).untilAsserted(() -> {
            Response next = given().header("If-None-Match", etag).get("/status/api/targets");
            assertThat(next.statusCode()).isEqualTo(200);
            assertThat(next.header("ETag")).isNotEqualTo(etag);
            assertThat(next.jsonPath().getString("targets[1].sync")).isEqualTo("OutOfSync");
            assertThat(next.jsonPath().getList("targets[1].drift", String.class)).containsExactly("Deployment shop-prod/web: spec.replicas");
        });
    }

    @Test
    void thePageAndItsFilesComeFromTheServiceWithAPolicyThatForbidsOtherScripts() {
        Response html = given().get("/status");
        assertThat(html.statusCode()).isEqualTo(200);
        assertThat(html.header("Content-Type")).startsWith("text/html");
        assertThat(html.header("Content-Security-Policy")).contains("script-src 'self'", "default-src 'none'");
        assertThat(html.body().asString()).contains("<title>Verity status</title>", "src=\"status/status.js\"")
                .doesNotContain("http://", "https://");
        Response slash = given().redirects().follow(false).get("/status/");
        assertThat(slash.statusCode()).as("/status/ is sent to /status, where the page's relative links work").isEqualTo(301);
        assertThat(slash.header("Location")).endsWith("/status");
        Response js = given().get("/status/status.js");
        assertThat(js.header("Content-Type")).startsWith("text/javascript");
        assertThat(js.body().asString()).contains("textContent").doesNotContain("innerHTML =", "insertAdjacentHTML", "eval(");
        assertThat(given().get("/status/status.css").header("Content-Type")).startsWith("text/css");
    }

    @Test
    void chromiumShowsTheTargetsTheirHistoryAndPayloadTextAsTextNeverAsMarkup() throws Exception {
        Assumptions.assumeTrue(HeadlessChromium.find().isPresent(), HeadlessChromium.whereLooked());
        HeadlessChromium chromium = HeadlessChromium.find().orElseThrow();
        await().atMost(WAIT).untilAsserted(() -> given().get("/status/api/targets").then()
                .body("targets[0].incidents.size()", org.hamcrest.Matchers.equalTo(2)));
        URI url = URI.create(page + "#local/cart/dev");

        String dom = chromium.dumpDom(url, 5000);

        assertThat(dom).contains("<title>Verity status</title>", "local/shop/prod", "local/cart/dev", "<span class=\"state ok\">Healthy</span>",
                "RenderFailed", "111111111111", "drift MODIFIED ConfigMap cart-dev/settings", "incident DRIFT open",
                "incident RENDER_FAILURE open", "2 targets");
        assertThat(dom).as("text from Git and the cluster is shown escaped")
                .contains("unknown field '&lt;script&gt;document.title='owned'&lt;/script&gt;'")
                .contains("data.&lt;img src=x onerror=\"document.body.setAttribute('data-owned','yes')\"&gt;");
        assertThat(dom).as("and never becomes markup").doesNotContain(SCRIPT, "<img", "data-owned=\"yes\"", "<title>owned");
        assertThat(dom).as("the target named in the address is opened").containsPattern("<details [^>]*data-target=\"local/cart/dev\"[^>]* open=\"");
        Path png = chromium.screenshot(url, Path.of("target/status-page-it.png"), 1280, 900, 5000);
        assertThat(png).isNotEmptyFile();
    }

    private void send(String topic, VerityEvent event) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafkaResource.kafka().bootstrapServers()),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, event.key(), codec.encode(event))).get();
        }
    }
}
