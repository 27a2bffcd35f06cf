package dev.verity.applier;

import dev.verity.events.Applied;
import dev.verity.events.ApplyStarted;
import dev.verity.events.AppliedState;
import dev.verity.events.ApplyCounts;
import dev.verity.events.ApplyFailed;
import dev.verity.events.Healthy;
import dev.verity.events.Pruned;
import dev.verity.events.TargetRemoved;
import dev.verity.events.DesiredState;
import dev.verity.events.EventCodec;
import dev.verity.events.ObjectRef;
import dev.verity.events.Policy;
import dev.verity.events.TargetEvent;
import dev.verity.events.SyncRequested;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.events.topics.TopicSettings;
import dev.verity.testkit.kafka.EmbeddedKafka;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import dev.verity.testkit.kube.KubeSandboxResource;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/**
 * The applier against a real broker and the Kubernetes sandbox: desired states sent to {@code verity.desired.local}
 * become objects in the cluster and {@code Applied}/{@code ApplyFailed} events on {@code verity.rollout}.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KubeSandboxResource.class, restrictToAnnotatedClass = true)
class ApplierIT {

    static final String DESIRED = Topics.desired("local");
    static final String REPO = "https://git.example/gitops.git";
    static final EventCodec CODEC = new EventCodec();
    static final Duration WAIT = Duration.ofSeconds(40);

    @Test
    void appliesADesiredStateThenANewerOneAndIgnoresARedelivery() throws Exception {
        TargetKey shop = TargetKey.parse("local/shop/prod");
        DesiredState first = desired(shop, "c0ffee01", shopDocuments("shop-prod", 1));

        send(first);

        Applied applied = awaitEvent(shop, "c0ffee01", Applied.class);
        assertThat(applied.digest()).isEqualTo(first.digest());
        assertThat(applied.objects()).containsExactly(
                new ObjectRef("v1", "Namespace", null, "shop-prod"),
                new ObjectRef("v1", "ConfigMap", "shop-prod", "web-config"),
                new ObjectRef("apps/v1", "Deployment", "shop-prod", "web"),
                new ObjectRef("v1", "Service", "shop-prod", "web"));
        KubernetesClient cluster = cluster();
        List<HasMetadata> live = List.of(
                cluster.namespaces().withName("shop-prod").get(),
                cluster.configMaps().inNamespace("shop-prod").withName("web-config").get(),
                cluster.apps().deployments().inNamespace("shop-prod").withName("web").get(),
                cluster.services().inNamespace("shop-prod").withName("web").get());
        assertThat(live).allSatisfy(o -> {
            assertThat(o).as("object applied").isNotNull();
            assertThat(o.getMetadata().getAnnotations()).containsEntry("verity.dev/target", "local/shop/prod");
            assertThat(o.getMetadata().getManagedFields()).extracting(ManagedFieldsEntry::getManager).contains("verity");
        });
        assertThat(cluster.configMaps().inNamespace("shop-prod").withName("web-config").get().getData())
                .containsEntry("GREETING", "hello");

        DesiredState second = desired(shop, "c0ffee02", shopDocuments("shop-prod", 3));
        send(second);

        awaitEvent(shop, "c0ffee02", Applied.class);
        assertThat(cluster.apps().deployments().inNamespace("shop-prod").withName("web").get().getSpec().getReplicas())
                .isEqualTo(3);

        // the simulated controller writes the Deployment's status until its rollout is done: read it after that
        await().atMost(WAIT).until(() -> allEvents(shop).stream()
                .anyMatch(e -> e instanceof Healthy && e.commit().equals("c0ffee02")));
        send(second); // redelivered
        String resourceVersion = cluster.apps().deployments().inNamespace("shop-prod").withName("web").get()
                .getMetadata().getResourceVersion();
        TargetKey marker = onTheSamePartitionAs(shop);
        send(desired(marker, "0000aaaa", List.of("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: m}\n")));
        awaitEvent(marker, "0000aaaa", ApplyFailed.class); // processed after the redelivery: same partition, in order

        assertThat(events(shop)).extracting(TargetEvent::commit).containsExactly("c0ffee01", "c0ffee02");
        assertThat(cluster.apps().deployments().inNamespace("shop-prod").withName("web").get().getMetadata()
                .getResourceVersion()).isEqualTo(resourceVersion);
    }

    @Test
    void aSyncRequestAppliesTheLatestDesiredStateNowAndRestoresWhatChangedBehindVeritysBack() {
        TargetKey target = TargetKey.parse("local/sync/prod");
        DesiredState desired = desired(target, "5a5c0001", shopDocuments("sync-prod", 2));
        send(desired);
        awaitEvent(target, "5a5c0001", Applied.class);
        cluster().configMaps().inNamespace("sync-prod").withName("web-config")
                .edit(cm -> { cm.getData().put("GREETING", "changed by hand"); return cm; });

        kafka().send(Topics.REQUESTS, target.toString(),
                CODEC.encode(new SyncRequested(target, REPO, "5a5c0001", "tester@laptop")));

        await().atMost(WAIT).until(() -> events(target).size() == 2);
        assertThat(events(target)).allSatisfy(e -> assertThat(e).isInstanceOf(Applied.class));
        assertThat(allEvents(target)).filteredOn(ApplyStarted.class::isInstance).as("a sync is announced like a rollout")
                .hasSize(2);
        assertThat(cluster().configMaps().inNamespace("sync-prod").withName("web-config").get().getData())
                .containsEntry("GREETING", "hello");
        // a request for another cluster's target, or one this applier never received, applies nothing
        kafka().send(Topics.REQUESTS, "other/sync/prod",
                CODEC.encode(new SyncRequested(TargetKey.parse("other/sync/prod"), REPO, "5a5c0001", "tester@laptop")));
        kafka().send(Topics.REQUESTS, "local/never/prod",
                CODEC.encode(new SyncRequested(TargetKey.parse("local/never/prod"), REPO, "5a5c0001", "tester@laptop")));
        kafka().send(Topics.REQUESTS, target.toString(),
                CODEC.encode(new SyncRequested(target, REPO, "5a5c0001", "tester@laptop")));
        await().atMost(WAIT).until(() -> events(target).size() == 3);
        assertThat(allEvents(TargetKey.parse("local/never/prod"))).isEmpty();
    }

    @Test
    void anInvalidDocumentFailsTheTargetAndLeavesTheClusterUnchanged() {
        TargetKey broken = TargetKey.parse("local/broken/prod");
        List<String> documents = List.of(
                "apiVersion: v1\nkind: Namespace\nmetadata: {name: broken-prod}\n",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: broken-prod}\ndata: {a: b}\n",
                "apiVersion: apps/v1\nkind: Deployment\nmetadata: {namespace: broken-prod}\nspec: {replicas: 1}\n");

        send(desired(broken, "bad00001", documents));

        ApplyFailed failed = awaitEvent(broken, "bad00001", ApplyFailed.class);
        assertThat(failed.error()).startsWith("local/broken/prod@bad00001: the desired state is invalid")
                .contains("document 3 (Deployment) has no metadata.name");
        assertThat(cluster().namespaces().withName("broken-prod").get()).isNull();
        assertThat(cluster().configMaps().inNamespace("broken-prod").withName("cfg").get()).isNull();
    }

    @Test
    void anObjectOwnedByAnotherTargetIsNotOverwritten() {
        KubernetesClient cluster = cluster();
        cluster.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shared").endMetadata().build())
                .create();
        cluster.configMaps().resource(new ConfigMapBuilder().withNewMetadata().withName("settings")
                .withNamespace("shared").addToAnnotations("verity.dev/target", "local/blog/prod").endMetadata()
                .addToData("owner", "blog").build()).create();
        TargetKey shop = TargetKey.parse("local/shop/staging");

        send(desired(shop, "feed0001", List.of(
                "apiVersion: v1\nkind: Namespace\nmetadata: {name: shared}\n",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: mine, namespace: shared}\ndata: {owner: shop}\n",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: shared}\ndata: {owner: shop}\n")));

        ApplyFailed failed = awaitEvent(shop, "feed0001", ApplyFailed.class);
        assertThat(failed.object()).isEqualTo(new ObjectRef("v1", "ConfigMap", "shared", "settings"));
        assertThat(failed.error()).contains("ConfigMap shared/settings belongs to target local/blog/prod")
                .contains("target local/shop/staging must not write it");
        ConfigMap settings = cluster.configMaps().inNamespace("shared").withName("settings").get();
        assertThat(settings.getData()).containsEntry("owner", "blog");
        assertThat(settings.getMetadata().getAnnotations()).containsEntry("verity.dev/target", "local/blog/prod");
        assertThat(cluster.configMaps().inNamespace("shared").withName("mine").get()).as("nothing written").isNull();
    }

    @Test
    void aGarbageRecordGoesToTheDeadLetterTopicAndTheChannelKeepsWorking() {
        kafka().send(DESIRED, "local/junk/prod", "{ this is not a cloud event");
        kafka().send(DESIRED, "local/gone/prod", null); // a tombstone is acknowledged and ignored

        TargetKey after = TargetKey.parse("local/after/prod");
        send(desired(after, "afte0001", List.of(
                "apiVersion: v1\nkind: Namespace\nmetadata: {name: after-prod}\n",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: after-prod}\ndata: {a: b}\n")));

        awaitEvent(after, "afte0001", Applied.class);
        assertThat(kafka().readAll(Topics.deadLetter(DESIRED))).singleElement().satisfies(r -> {
            assertThat(r.key()).isEqualTo("local/junk/prod");
            assertThat(r.value()).isEqualTo("{ this is not a cloud event");
        });
        assertThat(cluster().configMaps().inNamespace("after-prod").withName("cfg").get()).isNotNull();
    }

    @Test
    void anEventOfATypeThisVersionDoesNotKnowIsSkippedAndCountedNotDeadLettered() {
        TargetKey future = TargetKey.parse("local/future/prod");
        String newType = cloudEvent("dev.verity.something.new.v1", future);
        String newerVersion = cloudEvent("dev.verity.desired.state.v2", future);
        kafka().send(DESIRED, future.toString(), newType);
        kafka().send(DESIRED, future.toString(), newerVersion);
        send(desired(future, "f0000001", List.of(
                "apiVersion: v1\nkind: Namespace\nmetadata: {name: future-prod}\n",
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: future-prod}\ndata: {a: b}\n")));

        awaitEvent(future, "f0000001", Applied.class); // the next known event on the same partition
        assertThat(cluster().configMaps().inNamespace("future-prod").withName("cfg").get()).isNotNull();
        assertThat(kafka().readValues(Topics.deadLetter(DESIRED))).doesNotContain(newType, newerVersion);
        given().get("/verity/events/skipped").then().statusCode(200)
                .body("'dev.verity.something.new.v1'", equalTo(1))
                .body("'dev.verity.desired.state.v2'", equalTo(1));
    }

    @Test
    void theApplierProvisionedItsClustersTopicsAtStart() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka().bootstrapServers()))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, DESIRED);
            var config = admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(config.get("compression.type").value()).isEqualTo("zstd");
            var topics = admin.describeTopics(List.of(DESIRED, Topics.leader("applier", "local"), Topics.applied("local")))
                    .allTopicNames().get(30, TimeUnit.SECONDS);
            assertThat(topics.get(DESIRED).partitions()).hasSize(TopicSettings.DEFAULT_PARTITIONS);
            assertThat(topics.get(Topics.applied("local")).partitions()).hasSize(TopicSettings.DEFAULT_PARTITIONS);
            assertThat(topics.get(Topics.leader("applier", "local")).partitions()).hasSize(1);
        }
    }

    @Test
    void anObjectMovedBetweenTwoTargetsInOneCommitMovesInEitherArrivalOrderWithoutAnOutage() {
        TargetKey cart = TargetKey.parse("local/cart/prod");
        TargetKey basket = TargetKey.parse("local/basket/prod");
        List<TargetKey> both = List.of(basket, cart);
        String ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: moves}\n";
        String own = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: basket-own, namespace: moves}\ndata: {a: b}\n";
        java.util.function.Function<String, String> settings = value ->
                "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: moves}\ndata: {value: \"" + value + "\"}\n";
        send(desired(cart, "m0000001", List.of(ns, settings.apply("1"))).withCommitTargets(both));
        send(desired(basket, "m0000001", List.of(ns.replace("moves}", "basket-ns}"), own.replace("moves}", "basket-ns}")))
                .withCommitTargets(both));
        awaitEvent(cart, "m0000001", Applied.class);
        awaitEvent(basket, "m0000001", Applied.class);
        String uid = cluster().configMaps().inNamespace("moves").withName("settings").get().getMetadata().getUid();

        // commit 2 moves settings from cart to basket; basket's desired state arrives first
        send(desired(basket, "m0000002", List.of(settings.apply("2"))).withCommitTargets(both));
        send(desired(cart, "m0000002", List.of(ns)).withCommitTargets(both));
        awaitEvent(cart, "m0000002", Applied.class);
        awaitEvent(basket, "m0000002", Applied.class);
        ConfigMap moved = cluster().configMaps().inNamespace("moves").withName("settings").get();
        assertThat(moved.getMetadata().getUid()).as("the same object, never deleted").isEqualTo(uid);
        assertThat(moved.getMetadata().getAnnotations()).containsEntry("verity.dev/target", "local/basket/prod");
        assertThat(moved.getData()).containsEntry("value", "2");

        // commit 3 moves it back; this time the target it leaves (basket) arrives first
        send(desired(basket, "m0000003", List.of(ns.replace("moves}", "basket-ns}"))).withCommitTargets(both));
        send(desired(cart, "m0000003", List.of(ns, settings.apply("3"))).withCommitTargets(both));
        awaitEvent(basket, "m0000003", Applied.class);
        awaitEvent(cart, "m0000003", Applied.class);
        await().atMost(WAIT).untilAsserted(() -> {
            ConfigMap back = cluster().configMaps().inNamespace("moves").withName("settings").get();
            assertThat(back).isNotNull();
            assertThat(back.getMetadata().getUid()).as("the same object, never deleted").isEqualTo(uid);
            assertThat(back.getMetadata().getAnnotations()).containsEntry("verity.dev/target", "local/cart/prod");
            assertThat(back.getData()).containsEntry("value", "3");
        });
        assertThat(events(cart)).noneMatch(ApplyFailed.class::isInstance);
        assertThat(events(basket)).noneMatch(ApplyFailed.class::isInstance);
    }

    @Test
    void anObjectRemovedFromGitIsPruned() {
        TargetKey shop = TargetKey.parse("local/pruned/prod");
        String ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: pruned-prod}\n";
        String cfg = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: pruned-prod}\ndata: {a: b}\n";
        String old = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: old, namespace: pruned-prod}\ndata: {a: b}\n";
        send(desired(shop, "0ld00001", List.of(ns, cfg, old)));
        awaitEvent(shop, "0ld00001", Applied.class);
        assertThat(cluster().configMaps().inNamespace("pruned-prod").withName("old").get()).isNotNull();

        send(desired(shop, "0ld00002", List.of(ns, cfg)));

        Applied applied = awaitEvent(shop, "0ld00002", Applied.class);
        assertThat(applied.objects()).extracting(ObjectRef::name).containsExactly("pruned-prod", "cfg");
        assertThat(cluster().configMaps().inNamespace("pruned-prod").withName("old").get()).isNull();
        assertThat(cluster().configMaps().inNamespace("pruned-prod").withName("cfg").get().getMetadata().getLabels())
                .containsEntry("app.kubernetes.io/managed-by", "verity");
    }

    /** A well-formed CloudEvent of a type this version does not know, as a newer renderer might publish. */
    @Test
    void eachApplyIsAnnouncedCountedAndWhatTheServerStoredIsKeptOnTheAppliedTopic() {
        TargetKey target = TargetKey.parse("local/counted/prod");
        String ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: counted-prod}\n";
        String cfg = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: counted-prod}\ndata: {a: b}\n";
        String old = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: old, namespace: counted-prod}\ndata: {a: b}\n";
        send(desired(target, "c0a00001", List.of(ns, cfg, old)));
        awaitEvent(target, "c0a00001", Applied.class);
        send(desired(target, "c0a00002", List.of(ns, cfg.replace("{a: b}", "{a: c}"))));
        Applied applied = awaitEvent(target, "c0a00002", Applied.class);

        assertThat(applied.counts()).isEqualTo(new ApplyCounts(0, 1, 1, 1, 0));
        assertThat(allEvents(target)).filteredOn(e -> e.commit().equals("c0a00002") && !(e instanceof Healthy))
                .extracting(e -> e.getClass().getSimpleName()).containsExactly("ApplyStarted", "Pruned", "Applied");
        AppliedState state = await().atMost(WAIT).until(() -> latestApplied(target),
                s -> s != null && s.commit().equals("c0a00002"));
        assertThat(state.complete()).isTrue();
        assertThat(state.objects()).extracting(o -> o.object().toString())
                .containsExactly("Namespace counted-prod", "ConfigMap counted-prod/cfg");
        assertThat(state.objects().get(1).values()).containsEntry("data", Map.of("a", "c"));
        assertThat(state.objects().get(1).resourceVersion()).isEqualTo(
                cluster().configMaps().inNamespace("counted-prod").withName("cfg").get().getMetadata().getResourceVersion());
    }

    @Test
    void aTargetRemovedFromGitIsPrunedItsInventoryForgottenAndItsAppliedStateTombstoned() {
        TargetKey target = TargetKey.parse("local/leaving/prod");
        String ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: leaving-prod}\n";
        String cfg = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: leaving-prod}\ndata: {a: b}\n";
        send(desired(target, "1ea00001", List.of(ns, cfg)));
        awaitEvent(target, "1ea00001", Applied.class);

        kafka().send(DESIRED, target.toString(), CODEC.encode(new TargetRemoved(target, REPO, "1ea00002")));
        kafka().send(DESIRED, target.toString(), null);

        Pruned pruned = awaitPruned(target);
        assertThat(pruned.targetRemoved()).isTrue();
        assertThat(pruned.commit()).isEqualTo("1ea00002");
        assertThat(pruned.pruned()).containsExactly(new ObjectRef("v1", "ConfigMap", "leaving-prod", "cfg"));
        assertThat(pruned.kept()).extracting(k -> k.object().toString()).containsExactly("Namespace leaving-prod");
        assertThat(cluster().configMaps().inNamespace("leaving-prod").withName("cfg").get()).isNull();
        assertThat(cluster().namespaces().withName("leaving-prod").get().getMetadata().getAnnotations())
                .doesNotContainKey("verity.dev/target");
        assertThat(cluster().configMaps().inNamespace("verity-system")
                .withName(dev.verity.kube.InventoryStore.configMapName(target)).get()).isNull();
        await().atMost(WAIT).untilAsserted(() -> assertThat(kafka().readAll(Topics.applied("local")).stream()
                .filter(r -> target.toString().equals(r.key())).reduce((a, b) -> b)
                .map(r -> r.value() == null ? "tombstone" : "state").orElse("nothing"))
                .as("the last applied-state record of the target").isEqualTo("tombstone"));
        assertThat(allEvents(target).stream().filter(Pruned.class::isInstance)).as("the tombstone pruned nothing again")
                .hasSize(1);
    }

    @Test
    void aTargetRemovedWithPruneOffKeepsItsObjectsReleased() {
        TargetKey target = TargetKey.parse("local/keeper/prod");
        String cfg = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: keeper-prod}\ndata: {a: b}\n";
        String ns = "apiVersion: v1\nkind: Namespace\nmetadata: {name: keeper-prod}\n";
        kafka().send(DESIRED, target.toString(), CODEC.encode(DesiredState.of(target, REPO, "cee00001", "apps/keeper",
                new Policy(false, false, false, true, false, List.of()), List.of(ns, cfg))));
        awaitEvent(target, "cee00001", Applied.class);

        kafka().send(DESIRED, target.toString(), null); // a tombstone alone: its TargetRemoved compacted away

        Pruned pruned = awaitPruned(target);
        assertThat(pruned.targetRemoved()).isTrue();
        assertThat(pruned.commit()).as("the inventory's commit").isEqualTo("cee00001");
        assertThat(pruned.pruned()).isEmpty();
        assertThat(pruned.kept()).extracting(k -> k.object().toString())
                .containsExactly("ConfigMap keeper-prod/cfg", "Namespace keeper-prod");
        ConfigMap kept = cluster().configMaps().inNamespace("keeper-prod").withName("cfg").get();
        assertThat(kept).isNotNull();
        assertThat(kept.getMetadata().getLabels()).doesNotContainKey("app.kubernetes.io/managed-by");
    }

    /** Waits for the target's first {@code Pruned} event on the rollout topic. */
    static Pruned awaitPruned(TargetKey target) {
        return await().atMost(WAIT).until(() -> allEvents(target).stream()
                .filter(Pruned.class::isInstance).map(Pruned.class::cast).findFirst().orElse(null), p -> p != null);
    }

    static AppliedState latestApplied(TargetKey target) {
        return kafka().readAll(Topics.applied("local")).stream().filter(r -> target.toString().equals(r.key()))
                .reduce((a, b) -> b).map(r -> r.value() == null ? null : (AppliedState) CODEC.decode(r.value())).orElse(null);
    }

    static String cloudEvent(String type, TargetKey target) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + type.hashCode() + "\",\"source\":\"/verity/renderer\","
                + "\"type\":\"" + type + "\",\"subject\":\"" + target + "\",\"datacontenttype\":\"application/json\","
                + "\"data\":{\"target\":\"" + target + "\",\"somethingNew\":[1,2,3]}}";
    }

    /** Another target whose records land on the same partition of the desired-state topic as {@code target}'s. */
    static TargetKey onTheSamePartitionAs(TargetKey target) {
        for (int i = 0; ; i++) {
            TargetKey other = TargetKey.parse("local/marker" + i + "/prod");
            if (partitionOf(other) == partitionOf(target)) return other;
        }
    }

    static int partitionOf(TargetKey key) {
        return Utils.toPositive(Utils.murmur2(key.toString().getBytes(StandardCharsets.UTF_8)))
                % TopicSettings.DEFAULT_PARTITIONS;
    }

    static List<String> shopDocuments(String namespace, int replicas) {
        return List.of(
                "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: " + namespace + "\n",
                """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: web-config
                  namespace: %s
                data:
                  GREETING: hello
                """.formatted(namespace),
                """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                  namespace: %s
                  labels: {app: web}
                spec:
                  replicas: %d
                  selector:
                    matchLabels: {app: web}
                  template:
                    metadata:
                      labels: {app: web}
                    spec:
                      containers:
                      - name: web
                        image: nginx:1.27
                        ports:
                        - containerPort: 8080
                          protocol: TCP
                        envFrom:
                        - configMapRef: {name: web-config}
                """.formatted(namespace, replicas),
                """
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                  namespace: %s
                spec:
                  selector: {app: web}
                  ports:
                  - port: 80
                    targetPort: 8080
                    protocol: TCP
                """.formatted(namespace));
    }

    static DesiredState desired(TargetKey target, String commit, List<String> documents) {
        return DesiredState.of(target, REPO, commit, "apps/" + target.app() + "/overlays/" + target.env(),
                Policy.DEFAULT, documents);
    }

    static void send(DesiredState desired) {
        kafka().send(DESIRED, desired.key(), CODEC.encode(desired));
    }

    /** The target's {@code Applied} and {@code ApplyFailed} events on the rollout topic, in order. */
    static List<TargetEvent> events(TargetKey target) {
        return allEvents(target).stream().filter(e -> e instanceof Applied || e instanceof ApplyFailed).toList();
    }

    /** Every event of the target on the rollout topic, in order. */
    static List<TargetEvent> allEvents(TargetKey target) {
        return kafka().readAll(Topics.ROLLOUT).stream().filter(r -> target.toString().equals(r.key()))
                .map(r -> (TargetEvent) CODEC.decode(r.value())).toList();
    }

    /** Waits for the target's rollout event at this commit and checks its kind (showing the event if not). */
    static <T extends TargetEvent> T awaitEvent(TargetKey target, String commit, Class<T> type) {
        TargetEvent event = await().atMost(WAIT).pollInterval(Duration.ofMillis(300))
                .until(() -> events(target).stream().filter(e -> e.commit().equals(commit)).findFirst(),
                        java.util.Optional::isPresent)
                .orElseThrow();
        assertThat(event).isInstanceOf(type);
        return type.cast(event);
    }

    static EmbeddedKafka kafka() {
        return EmbeddedKafkaResource.kafka();
    }

    static KubernetesClient cluster() {
        return KubeSandboxResource.sandbox().client();
    }
}
