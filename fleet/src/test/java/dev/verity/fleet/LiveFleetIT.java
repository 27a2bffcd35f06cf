package dev.verity.fleet;

import dev.verity.events.Applied;
import dev.verity.events.ApplyCounts;
import dev.verity.events.DesiredState;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftKind;
import dev.verity.events.EventCodec;
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

import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A {@link LiveFleet} on a real broker: what was there, what arrives after, a cluster that appears later, no Kafka. */
class LiveFleetIT {

    static final String REPO = "https://git.example.com/acme/gitops";
    static final String C1 = "1111111111111111111111111111111111111111";
    static final TargetKey SHOP = new TargetKey("prod", "shop", "prod");
    static final TargetKey EDGE = new TargetKey("edge", "shop", "prod");
    static final ObjectRef WEB = new ObjectRef("apps/v1", "Deployment", "shop", "web");
    static final Duration WAIT = Duration.ofSeconds(30);

    static EmbeddedKafka kafka;
    static KafkaProducer<String, String> producer;
    final EventCodec codec = new EventCodec();

    @BeforeAll
    static void start() throws Exception {
        kafka = EmbeddedKafka.start();
        provision("prod");
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
    }

    @AfterAll
    static void stop() {
        if (producer != null) producer.close();
        if (kafka != null) kafka.close();
    }

    @Test
    void showsWhatWasThereThenWhatArrivesThenAClusterThatAppearedLater() throws Exception {
        DesiredState shop = DesiredState.of(SHOP, REPO, C1, "apps/shop/overlays/prod", Policy.DEFAULT, List.of("a: 1"));
        send(Topics.desired("prod"), shop);
        send(Topics.ROLLOUT, new Applied(SHOP, REPO, C1, shop.digest(), List.of(WEB), new ApplyCounts(1, 0, 0, 0, 0)));

        try (LiveFleet live = new LiveFleet(() -> new TopicReader(kafka.bootstrapServers(), Duration.ofSeconds(10), "live-fleet-it"),
                Fleet.DEFAULT_HISTORY, Duration.ofSeconds(1), Duration.ofMillis(200), Clock.systemUTC()).start()) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(live.current().view().targets())
                    .extracting(TargetStatus::target, TargetStatus::sync).containsExactly(org.assertj.core.groups.Tuple.tuple("prod/shop/prod", "Synced")));
            long before = live.current().version();
            assertThat(live.current().view().error()).isNull();

            send(Topics.DRIFT, new DriftDetected(SHOP, REPO, C1, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), "7"));
            await().atMost(WAIT).untilAsserted(() -> {
                FleetView view = live.current().view();
                assertThat(view.targets().get(0).sync()).isEqualTo("OutOfSync");
                assertThat(view.history().get("prod/shop/prod")).extracting(EventLine::summary)
                        .containsExactly("drift MODIFIED Deployment shop/web: spec.replicas");
            });
            assertThat(live.current().version()).isGreaterThan(before);

            provision("edge"); // a cluster whose desired-state topic did not exist when reading started
            send(Topics.desired("edge"), DesiredState.of(EDGE, REPO, C1, "apps/shop/overlays/prod", Policy.DEFAULT, List.of("a: 1")));
            await().atMost(WAIT).untilAsserted(() -> assertThat(live.current().view().targets())
                    .extracting(TargetStatus::target).containsExactly("edge/shop/prod", "prod/shop/prod"));
            assertThat(live.current().view().history().get("prod/shop/prod")).as("kept across the new read").hasSize(1);
        }
    }

    @Test
    void withoutKafkaTheViewSaysWhyAndNothingIsShown() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort();
        }
        String address = "127.0.0.1:" + closed;
        try (LiveFleet live = new LiveFleet(() -> new TopicReader(address, Duration.ofSeconds(1), "live-fleet-it"),
                Fleet.DEFAULT_HISTORY, Duration.ofSeconds(1), Duration.ofMillis(200), Clock.systemUTC()).start()) {
            assertThat(live.current().view().updatedAt()).as("nothing read yet").isNull();
            await().atMost(WAIT).untilAsserted(() -> assertThat(live.current().view().error())
                    .isEqualTo("Kafka at " + address + " did not answer within 1 s (trying again)"));
            assertThat(live.current().view().targets()).isEmpty();
        }
    }

    private static void provision(String cluster) throws Exception {
        try (TopicProvisioner provisioner = TopicProvisioner.connect(kafka.bootstrapServers(), Duration.ofSeconds(30))) {
            provisioner.ensure(TopicPlan.of(TopicSettings.DEFAULTS, List.of(cluster)));
        }
    }

    private void send(String topic, VerityEvent event) throws Exception {
        producer.send(new ProducerRecord<>(topic, event.key(), codec.encode(event))).get();
    }
}
