package dev.verity.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verity.events.Applied;
import dev.verity.events.ApplyCounts;
import dev.verity.events.DesiredState;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftKind;
import dev.verity.events.EventCodec;
import dev.verity.events.Healthy;
import dev.verity.events.ObjectRef;
import dev.verity.events.Policy;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.events.topics.TopicPlan;
import dev.verity.events.topics.TopicProvisioner;
import dev.verity.events.topics.TopicSettings;
import dev.verity.testkit.kafka.EmbeddedKafka;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code ./verity status} and {@code logs} against a real Kafka broker holding Verity's topics. */
class VerityOpsIT {

    static final String REPO = "https://git.example.com/acme/gitops";
    static final String C1 = "1111111111111111111111111111111111111111";
    static final TargetKey SHOP = new TargetKey("prod", "shop", "prod");
    static final TargetKey CART = new TargetKey("prod", "cart", "prod");
    static final ObjectRef WEB = new ObjectRef("apps/v1", "Deployment", "shop", "web");

    static EmbeddedKafka kafka;
    static final EventCodec CODEC = new EventCodec();

    @BeforeAll
    static void publish() throws Exception {
        kafka = EmbeddedKafka.start();
        try (TopicProvisioner provisioner = TopicProvisioner.connect(kafka.bootstrapServers(), Duration.ofSeconds(30))) {
            provisioner.ensure(TopicPlan.of(TopicSettings.DEFAULTS, List.of("prod")));
        }
        DesiredState shop = DesiredState.of(SHOP, REPO, C1, "apps/shop/overlays/prod", Policy.DEFAULT,
                List.of("apiVersion: v1\nkind: Secret\nmetadata: {name: db}\nstringData: {password: hunter2}\n"));
        DesiredState cart = DesiredState.of(CART, REPO, C1, "apps/cart/overlays/prod", Policy.DEFAULT, List.of("a: 1"));
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            send(producer, Topics.desired("prod"), shop);
            send(producer, Topics.desired("prod"), cart);
            send(producer, Topics.ROLLOUT, new Applied(SHOP, REPO, C1, shop.digest(), List.of(WEB), new ApplyCounts(1, 0, 0, 0, 0)));
            send(producer, Topics.ROLLOUT, new Healthy(SHOP, REPO, C1, shop.digest(), List.of(WEB), null));
            send(producer, Topics.DRIFT, new DriftDetected(CART, REPO, C1, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), "9"));
            producer.send(new ProducerRecord<>(Topics.INCIDENTS, CART + "#DRIFT",
                    "{\"status\":\"OPEN\",\"openedAt\":\"2026-12-06T10:00:00Z\",\"commit\":\"" + C1
                            + "\",\"alert\":{\"title\":\"cart drifted\"}}")).get();
        }
    }

    @AfterAll
    static void stop() {
        if (kafka != null) kafka.close();
    }

    @Test
    void statusListsEveryTargetWithSyncHealthDriftAndIncidents() throws Exception {
        Result json = run("status", "--bootstrap-server", kafka.bootstrapServers(), "-o", "json");
        assertThat(json.code).as(json.err).isZero();
        JsonNode targets = new ObjectMapper().readTree(json.out).path("targets");
        assertThat(targets).hasSize(2);
        JsonNode cart = targets.get(0);
        JsonNode shop = targets.get(1);
        assertThat(shop.path("target").asText()).isEqualTo("prod/shop/prod");
        assertThat(shop.path("sync").asText()).isEqualTo("Synced");
        assertThat(shop.path("health").asText()).isEqualTo("Healthy");
        assertThat(shop.path("commit").asText()).isEqualTo(C1);
        assertThat(cart.path("sync").asText()).isEqualTo("Pending");
        assertThat(cart.path("drift").get(0).asText()).isEqualTo("Deployment shop/web: spec.replicas");
        assertThat(cart.path("incidents").get(0).asText()).isEqualTo("DRIFT since 2026-12-06T10:00:00Z: cart drifted");

        Result text = run("status", "--bootstrap-server", kafka.bootstrapServers());
        assertThat(text.out).contains("TARGET", "prod/shop/prod", "Synced", "Healthy", "111111111111",
                "incident: DRIFT since 2026-12-06T10:00:00Z: cart drifted");
        assertThat(json.out + text.out).doesNotContain("hunter2");
    }

    @Test
    void logsShowOneTargetsEventsInOrderAndNeverASecret() {
        Result logs = run("logs", "prod/shop/prod", "--bootstrap-server", kafka.bootstrapServers());
        assertThat(logs.code).as(logs.err).isZero();
        List<String> lines = logs.out.lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).contains("rendered apps/shop/overlays/prod: 1 documents");
        assertThat(lines.get(1)).contains("applied: 1 created");
        assertThat(lines.get(2)).contains("healthy");
        assertThat(logs.out).doesNotContain("hunter2").doesNotContain("prod/cart/prod");

        Result json = run("logs", "prod/cart/prod", "-o", "json", "--bootstrap-server", kafka.bootstrapServers());
        assertThat(json.out.lines()).anySatisfy(l -> assertThat(l).contains("\"type\":\"incident\"", "cart drifted"));
    }

    @Test
    void badInputAndAnUnreachableKafkaAreClearErrors() throws Exception {
        Result badTarget = run("logs", "shop", "--bootstrap-server", kafka.bootstrapServers());
        assertThat(badTarget.code).isEqualTo(2);
        assertThat(badTarget.err).contains("'shop' is not a target: name it cluster/app/env");
        Result unknown = run("logs", "prod/nope/prod", "--bootstrap-server", kafka.bootstrapServers());
        assertThat(unknown.code).isEqualTo(2);
        assertThat(unknown.err).contains("no events for prod/nope/prod");
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        Result down = run("status", "--bootstrap-server", "127.0.0.1:" + closed, "--timeout", "PT2S");
        assertThat(down.code).isEqualTo(2);
        assertThat(down.err).contains("Kafka at 127.0.0.1:" + closed + " did not answer within 2 s");
    }

    @Test
    void syncAsksTheAppliersAndSaysSoWhenNoneAnswers() {
        Result unknown = run("sync", "prod/nope/prod", "--bootstrap-server", kafka.bootstrapServers());
        assertThat(unknown.code).isEqualTo(2);
        assertThat(unknown.err).contains("no desired state of prod/nope/prod");
        Result noApplier = run("sync", "prod/shop/prod", "--wait", "PT2S", "--bootstrap-server", kafka.bootstrapServers());
        assertThat(noApplier.code).isEqualTo(2);
        assertThat(noApplier.out).as(noApplier.err).contains("sync of prod/shop/prod at commit 111111111111 requested");
        assertThat(noApplier.err).contains("no answer from the applier of cluster prod within 2 s");
        assertThat(kafka.readValues(Topics.REQUESTS)).singleElement().satisfies(v ->
                assertThat(CODEC.decode(v)).isInstanceOfSatisfying(dev.verity.events.SyncRequested.class, r -> {
                    assertThat(r.target()).isEqualTo(SHOP);
                    assertThat(r.commit()).isEqualTo(C1);
                }));
    }

    private static void send(KafkaProducer<String, String> producer, String topic, VerityEvent event) throws Exception {
        producer.send(new ProducerRecord<>(topic, event.key(), CODEC.encode(event))).get();
    }

    private record Result(int code, String out, String err) {
    }

    private static Result run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = VerityOps.run(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), args);
        return new Result(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }
}
