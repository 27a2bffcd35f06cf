package dev.verity.drift;

import dev.verity.events.Applied;
import dev.verity.events.DesiredState;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftUpdated;
import dev.verity.events.DriftKind;
import dev.verity.events.EventCodec;
import dev.verity.events.ObjectRef;
import dev.verity.events.Policy;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.testkit.kafka.EmbeddedKafka;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import dev.verity.testkit.kube.KubeSandboxResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What a drift monitor finds when it restarts: history on every topic, and committed offsets at the end of the
 * desired-state topic (which it must ignore). Starts after the broker and the sandbox, before the service.
 *
 * <ul>
 * <li>{@code local/shop/prod}: desired at {@link #C0} (5 replicas) then {@link #C1} (2 replicas), both applied; the
 * cluster runs C1. Before the restart the monitor reported {@code spec.replicas} drifted; someone has fixed it since.</li>
 * <li>{@code local/legacy/prod}: applied, then removed from Git (tombstone); its ConfigMap had been reported deleted.</li>
 * <li>{@code local/shop/dev}: applied; its ConfigMap was edited by hand twice, reported {@code DriftDetected} then
 * {@code DriftUpdated}, and is still as edited: open drift to keep without reporting it again.</li>
 * </ul>
 */
public class SeededBeforeStart implements QuarkusTestResourceLifecycleManager {

    static final String REPO = "file:///srv/git/shop.git";
    static final String C0 = "0000000000000000000000000000000000000000";
    static final String C1 = "1111111111111111111111111111111111111111";
    static final TargetKey PROD = TargetKey.parse("local/shop/prod");
    static final TargetKey LEGACY = TargetKey.parse("local/legacy/prod");
    static final ObjectRef WEB = new ObjectRef("apps/v1", "Deployment", "shop-prod", "web");
    static final ObjectRef LEGACY_SETTINGS = new ObjectRef("v1", "ConfigMap", "shop-prod", "legacy-settings");
    static final TargetKey DEV = TargetKey.parse("local/shop/dev");
    static final ObjectRef DEV_SETTINGS = new ObjectRef("v1", "ConfigMap", "shop-dev", "settings");
    static final String DEV_DOC = """
            apiVersion: v1
            kind: ConfigMap
            metadata: {name: settings, namespace: shop-dev, labels: {app.kubernetes.io/managed-by: verity},
                       annotations: {verity.dev/target: local/shop/dev}}
            data: {mode: fast, level: "1"}
            """;
    /** Where the seeded drift records are on {@code verity.drift} ({@code partition@offset}). */
    static final java.util.Set<String> SEEDED_DRIFT_RECORDS = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The drift reported before the restart, on {@code verity.drift}. */
    static final List<DriftDetected> SEEDED_DRIFT = List.of(
            new DriftDetected(PROD, REPO, C1, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), "3"),
            new DriftDetected(LEGACY, REPO, C0, LEGACY_SETTINGS, DriftKind.DELETED, List.of(), ""),
            new DriftDetected(DEV, REPO, C1, DEV_SETTINGS, DriftKind.MODIFIED, List.of("data.mode"), "6"));
    /** The open drift's second report, on {@code verity.drift} after {@link #SEEDED_DRIFT}. */
    static final DriftUpdated SEEDED_UPDATE = new DriftUpdated(DEV, REPO, C1, DEV_SETTINGS,
            List.of("data.level", "data.mode"), List.of(), "7", false, null);

    static final String WEB_DOC = """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web, namespace: shop-prod, labels: {app.kubernetes.io/managed-by: verity}}
            spec:
              replicas: %d
              selector: {matchLabels: {app: web}}
              template:
                metadata: {labels: {app: web}}
                spec:
                  containers: [{name: web, image: "nginx:1.27"}]
            """;

    @Override
    public int order() {
        return 100; // after EmbeddedKafkaResource and KubeSandboxResource
    }

    @Override
    public Map<String, String> start() {
        KubernetesClient client = KubeSandboxResource.sandbox().client();
        apply(client, "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"shop-prod\"}}");
        apply(client, WEB_DOC.formatted(2));
        apply(client, "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"shop-dev\"}}");
        apply(client, DEV_DOC);
        client.configMaps().inNamespace("shop-dev").withName("settings").edit(cm -> {
            cm.getData().put("mode", "slow");
            cm.getData().put("level", "2");
            return cm;
        });

        EmbeddedKafka kafka = EmbeddedKafkaResource.kafka();
        kafka.provision("local"); // as the first service to start would (the broker creates no topic)
        EventCodec codec = new EventCodec();
        String desiredTopic = Topics.desired("local");
        DesiredState old = desired(PROD, C0, WEB_DOC.formatted(5));
        DesiredState current = desired(PROD, C1, WEB_DOC.formatted(2));
        DesiredState legacy = desired(LEGACY, C0,
                "{apiVersion: v1, kind: ConfigMap, metadata: {name: legacy-settings, namespace: shop-prod}}");
        DesiredState dev = desired(DEV, C1, DEV_DOC);
        for (DesiredState d : List.of(old, legacy, current, dev)) {
            kafka.send(desiredTopic, d.key(), codec.encode(d));
            kafka.send(Topics.ROLLOUT, d.key(), codec.encode(new Applied(d.target(), REPO, d.commit(), d.digest(),
                    List.of())));
        }
        kafka.send(desiredTopic, LEGACY.toString(), null);
        for (DriftDetected drift : SEEDED_DRIFT) kafka.send(Topics.DRIFT, drift.key(), codec.encode(drift));
        kafka.send(Topics.DRIFT, SEEDED_UPDATE.key(), codec.encode(SEEDED_UPDATE));
        kafka.readAll(Topics.DRIFT).forEach(r -> SEEDED_DRIFT_RECORDS.add(r.partition() + "@" + r.offset()));
        commitAtEnd(kafka, "verity-drift-monitor-local-desired", desiredTopic);
        return Map.of();
    }

    @Override
    public void stop() {
    }

    static DesiredState desired(TargetKey target, String commit, String document) {
        return DesiredState.of(target, REPO, commit, "apps/" + target.app() + "/overlays/" + target.env(),
                Policy.DEFAULT, List.of(document));
    }

    private static void apply(KubernetesClient client, String document) {
        HasMetadata object = client.getKubernetesSerialization().unmarshal(document);
        client.resource(object).fieldManager("verity").forceConflicts().serverSideApply();
    }

    /** Commits the group's offsets at the end of every partition of the topic. */
    private static void commitAtEnd(EmbeddedKafka kafka, String group, String topic) {
        Map<TopicPartition, OffsetAndMetadata> ends = new HashMap<>();
        kafka.readAll(topic).forEach(r -> ends.merge(new TopicPartition(topic, r.partition()),
                new OffsetAndMetadata(r.offset() + 1), (a, b) -> a.offset() >= b.offset() ? a : b));
        Map<String, Object> config = new HashMap<>();
        config.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(config)) {
            admin.alterConsumerGroupOffsets(group, ends).all().get();
        } catch (Exception e) {
            throw new IllegalStateException("cannot commit offsets for group " + group + ": " + e.getMessage(), e);
        }
    }
}
