package dev.verity.applier;

import dev.verity.events.Applied;
import dev.verity.events.EventCodec;
import dev.verity.events.Policy;
import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.testkit.kafka.KafkaBrokerProcess;
import dev.verity.testkit.kube.KubeSandboxResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static dev.verity.applier.ApplierConvergeIT.desired;
import static dev.verity.applier.ApplierMetricsIT.scrape;
import static dev.verity.applier.ApplierRetryIT.documents;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Rollout events survive a Kafka outage: the broker (a child JVM) stops, the periodic reconcile restores a deleted
 * object meanwhile, and its {@code Applied} reaches the rollout topic once the broker is back.
 *
 * <p>Runs in a JVM of its own (the failsafe execution {@code kafka-outage} in this module's pom): after another
 * Quarkus test application had run in the same JVM, the restarted application's producer for
 * {@code verity.applied.local} never received that topic's metadata from the broker process, and its leadership
 * heartbeats went unanswered, while fresh clients of the same broker worked. The same steps pass every time in a fresh
 * JVM. One cause of such failures was found later and removed: the broker's port was an ephemeral one, and a client
 * reconnecting to it while the broker was down could connect to itself (its source port chosen equal to the
 * destination's), holding the port and talking to its own requests; ports now come from below the ephemeral range
 * ({@link dev.verity.testkit.net.LocalPorts}). Whether it explains the failure above was not established.
 */
@QuarkusTest
@QuarkusTestResource(value = BrokerProcessResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KubeSandboxResource.class, restrictToAnnotatedClass = true)
class ApplierKafkaOutageIT {

    static final EventCodec CODEC = new EventCodec();
    static final Duration WAIT = Duration.ofSeconds(120);

    @Test
    void anAppliedPublishedDuringAnOutageReachesTheRolloutTopicAfterIt() {
        KafkaBrokerProcess broker = BrokerProcessResource.broker();
        TargetKey target = TargetKey.parse("local/outage/prod");
        var first = desired(target, "0u7a0001", documents("outage-prod", "a: b"),
                Policy.DEFAULT.withInterval(Duration.ofSeconds(2)));
        broker.send(Topics.desired("local"), first.key(), CODEC.encode(first));
        await().atMost(WAIT).until(() -> applied(broker, target).size() == 1);

        broker.stop();
        KubeSandboxResource.sandbox().client().configMaps().inNamespace("outage-prod").withName("cfg").delete();
        await().atMost(WAIT).until(() -> KubeSandboxResource.sandbox().client().configMaps().inNamespace("outage-prod")
                .withName("cfg").get() != null);
        await().atMost(WAIT).until(() -> scrape().value("verity_rollout_outbox_events", Map.of()).orElse(0.0) >= 1);
        broker.restart();

        await().atMost(WAIT).until(() -> applied(broker, target).size() >= 2);
        assertThat(applied(broker, target).get(1).counts().created()).isEqualTo(1);
        await().atMost(WAIT).until(() -> scrape().value("verity_rollout_outbox_events", Map.of()).orElse(1.0) == 0);
    }

    static List<Applied> applied(KafkaBrokerProcess broker, TargetKey target) {
        return broker.readAll(Topics.ROLLOUT).stream().filter(r -> target.toString().equals(r.key()))
                .map(r -> (TargetEvent) CODEC.decode(r.value())).filter(Applied.class::isInstance)
                .map(Applied.class::cast).toList();
    }
}
