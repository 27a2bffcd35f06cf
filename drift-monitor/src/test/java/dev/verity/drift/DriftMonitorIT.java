package dev.verity.drift;

import dev.verity.events.Applied;
import dev.verity.events.AppliedObject;
import dev.verity.events.AppliedState;
import dev.verity.events.DesiredState;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftKind;
import dev.verity.events.DriftResolved;
import dev.verity.events.DriftUnknown;
import dev.verity.events.DriftUpdated;
import dev.verity.events.FieldChange;
import dev.verity.events.EventCodec;
import dev.verity.events.ObjectRef;
import dev.verity.events.IgnoreDifference;
import dev.verity.events.Policy;
import dev.verity.events.TargetEvent;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.kube.ManagedFields;
import dev.verity.testkit.kafka.EmbeddedKafka;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import dev.verity.testkit.metrics.PrometheusText;
import dev.verity.testkit.kube.KubeSandbox;
import dev.verity.testkit.kube.KubeSandboxResource;
import dev.verity.testkit.kube.Fault;
import dev.verity.testkit.kube.LoggedRequest;
import dev.verity.testkit.kube.RequestMatch;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.RollableScalableResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;

/**
 * The drift monitor against a real broker and the Kubernetes sandbox: objects are put into the sandbox as the applier
 * puts them (server-side apply, field manager {@code verity}), the desired state, {@code AppliedState} (what the
 * sandbox answered, reduced to Verity's fields as the applier reduces it) and {@code Applied} go to their topics, and the test changes objects behind Verity's back and reads {@code verity.drift}. The resync interval is
 * long in tests, so what is seen comes from watches.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = KubeSandboxResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DriftMonitorIT {

    static final String REPO = "file:///srv/git/shop.git";
    static final String C1 = "a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2";
    static final String DESIRED = Topics.desired("local");
    static final String C2 = "b2c3d4e5f6a1b2c3d4e5f6a1b2c3d4e5f6a1b2c3";
    static final Duration WAIT = Duration.ofSeconds(20);
    /** {@code %test.verity.drift.own-apply-grace} */
    static final Duration OWN_APPLY_GRACE = Duration.ofSeconds(5);

    static final String DEPLOYMENT = """
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
            """;

    static final String CONFIG_MAP = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: settings
              namespace: %s
            data:
              mode: %s
            """;

    final EventCodec codec = new EventCodec();

    @Test
    @Order(1)
    void isReadyOnceItRebuiltItsStateFromTheTopics() {
        await().atMost(WAIT).untilAsserted(() -> given().when().get("/q/health/ready").then().statusCode(200)
                .body(containsString("drift-monitor"), containsString("caught up")));
    }

    @Test
    @Order(2)
    void driftOfAnAppliedTargetIsDetectedOnceAndResolved() {
        TargetKey prod = TargetKey.parse("local/shop/prod");
        ObjectRef web = new ObjectRef("apps/v1", "Deployment", "shop-prod", "web");
        ObjectRef settings = new ObjectRef("v1", "ConfigMap", "shop-prod", "settings");
        String deployment = DEPLOYMENT.formatted("shop-prod", 2);
        String configMap = CONFIG_MAP.formatted("shop-prod", "fast");
        int watchesBefore = sandbox().openWatches();
        DesiredState desired = publishApplied(prod, "shop-prod", deployment, configMap);

        await().atMost(WAIT).until(() -> sandbox().openWatches() >= watchesBefore + 2);
        assertThat(driftEvents(prod)).as("nothing drifted yet").isEmpty();

        scaleAs("kubectl", "shop-prod", "web", 5); // a person's kubectl scale: drift

        DriftDetected modified = awaitEvent(prod, DriftDetected.class, e -> e.object().equals(web));
        assertThat(modified.kind()).isEqualTo(DriftKind.MODIFIED);
        assertThat(modified.fields()).containsExactly("spec.replicas");
        assertThat(modified.commit()).isEqualTo(desired.commit());
        assertThat(modified.repo()).isEqualTo(REPO);
        assertThat(modified.resourceVersion()).isNotBlank();

        // another manager touches a field Verity does not set: the same drift is not reported again
        deployments("shop-prod").withName("web")
                .edit(d -> new DeploymentBuilder(d).editMetadata().addToLabels("team", "payments").endMetadata().build());
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> driftEvents(prod).size() == 1);

        deployments("shop-prod").withName("web")
                .edit(d -> new DeploymentBuilder(d).editSpec().withReplicas(2).endSpec().build());
        DriftResolved resolved = awaitEvent(prod, DriftResolved.class, e -> e.object().equals(web));
        assertThat(resolved.resourceVersion()).isNotBlank();

        deployments("shop-prod").withName("web").delete();
        DriftDetected deleted = awaitEvent(prod, DriftDetected.class,
                e -> e.object().equals(web) && e.kind() == DriftKind.DELETED);
        assertThat(deleted.fields()).isEmpty();

        List<TargetEvent> all = driftEvents(prod);
        assertThat(all).hasSize(3).noneMatch(e -> e instanceof DriftDetected d && d.object().equals(settings));
        assertThat(records(prod)).allSatisfy(r -> assertThat(r.key()).isEqualTo("local/shop/prod"));
    }

    @Test
    @Order(3)
    void aDesiredStateNotYetAppliedIsNotReportedAsDrift() {
        TargetKey dev = TargetKey.parse("local/shop/dev");
        createNamespace("shop-dev");
        serverSideApply(DEPLOYMENT.formatted("shop-dev", 1), dev);
        DesiredState desired = DesiredState.of(dev, REPO, C1, "apps/shop/overlays/dev", Policy.DEFAULT,
                List.of(DEPLOYMENT.formatted("shop-dev", 3)));

        kafka().send(DESIRED, dev.toString(), codec.encode(desired));

        await().during(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(6)).until(() -> driftEvents(dev).isEmpty());

        // once the applier reports this digest applied (here without having applied it), the difference is drift (once
        // the grace for Verity's own apply above is over, verity.drift.own-apply-grace)
        kafka().send(Topics.ROLLOUT, dev.toString(), codec.encode(new Applied(dev, REPO, C1, desired.digest(),
                List.of(new ObjectRef("apps/v1", "Deployment", "shop-dev", "web")))));
        DriftDetected detected = awaitEvent(dev, DriftDetected.class, e -> true);
        assertThat(detected.fields()).containsExactly("spec.replicas");
    }

    @Test
    @Order(4)
    void poisonRecordsGoToTheDeadLetterTopicsAndTheInputsKeepFlowing() {
        kafka().send(DESIRED, "local/shop/qa", "this is not a CloudEvent");
        kafka().send(Topics.ROLLOUT, "local/shop/qa",
                "{\"specversion\":\"1.0\",\"type\":\"dev.verity.unknown.v9\",\"data\":{}}");

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(kafka().readAll(Topics.deadLetter(DESIRED))).extracting(ConsumerRecord::value)
                    .contains("this is not a CloudEvent");
            assertThat(kafka().readAll(Topics.deadLetter(Topics.ROLLOUT))).extracting(ConsumerRecord::value)
                    .anyMatch(v -> v.contains("dev.verity.unknown.v9"));
        });

        // well-formed events of types this version does not know are skipped and counted, not dead-lettered
        String newType = cloudEvent("dev.verity.something.new.v1", "local/shop/qa");
        String newerApplied = cloudEvent("dev.verity.rollout.applied.v2", "local/shop/qa");
        kafka().send(DESIRED, "local/shop/qa", newType);
        kafka().send(Topics.ROLLOUT, "local/shop/qa", newerApplied);

        TargetKey qa = TargetKey.parse("local/shop/qa");
        publishApplied(qa, "shop-qa", CONFIG_MAP.formatted("shop-qa", "fast"));
        client().configMaps().inNamespace("shop-qa").withName("settings")
                .edit(cm -> {
                    cm.getData().put("mode", "slow");
                    return cm;
                });
        assertThat(awaitEvent(qa, DriftDetected.class, e -> true).fields()).containsExactly("data.mode");
        assertThat(kafka().readValues(Topics.deadLetter(DESIRED))).doesNotContain(newType);
        assertThat(kafka().readValues(Topics.deadLetter(Topics.ROLLOUT))).doesNotContain(newerApplied);
        given().get("/verity/events/skipped").then().statusCode(200)
                .body("'dev.verity.something.new.v1'", equalTo(1))
                .body("'dev.verity.rollout.applied.v2'", equalTo(1));
    }

    /** A well-formed CloudEvent of a type this version does not know, as a newer producer might publish. */
    static String cloudEvent(String type, String subject) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + type.hashCode() + "\",\"source\":\"/verity/future\","
                + "\"type\":\"" + type + "\",\"subject\":\"" + subject + "\",\"data\":{\"somethingNew\":true}}";
    }

    @Test
    @Order(5)
    void secretDriftNamesTheKeyButNeverItsValue() {
        TargetKey secrets = TargetKey.parse("local/vault/prod");
        String secret = """
                apiVersion: v1
                kind: Secret
                metadata:
                  name: db
                  namespace: vault-prod
                type: Opaque
                data:
                  password: %s
                """.formatted(base64("s3cr3t-desired"));
        publishApplied(secrets, "vault-prod", secret);
        String leaked = "hunter2-by-hand";
        client().secrets().inNamespace("vault-prod").withName("db").edit(s -> {
            s.setData(Map.of("password", base64(leaked)));
            return s;
        });

        DriftDetected detected = awaitEvent(secrets, DriftDetected.class, e -> true);
        assertThat(detected.fields()).containsExactly("data.password");
        assertThat(detected.changes()).containsExactly(
                new FieldChange("data.password", FieldChange.MASKED, FieldChange.MASKED));
        assertThat(records(secrets)).extracting(ConsumerRecord::value).allSatisfy(v -> assertThat(v)
                .doesNotContain(leaked, base64(leaked), "s3cr3t-desired", base64("s3cr3t-desired")));
        Secret live = client().secrets().inNamespace("vault-prod").withName("db").get();
        assertThat(live.getData()).containsEntry("password", base64(leaked)); // the monitor never writes
    }

    @Test
    @Order(6)
    void whatTheServerNormalisedAndAnAutoscalersReplicasAreNotDriftButAPersonsEditsAre() {
        TargetKey target = TargetKey.parse("local/norm/prod");
        ObjectRef web = new ObjectRef("apps/v1", "Deployment", "norm-prod", "web");
        String deployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: norm-prod}
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      hostNetwork: false
                      containers:
                      - name: web
                        image: nginx:1.27
                        env:
                        - {name: EXTRA_FLAGS, value: ""}
                        volumeMounts:
                        - {name: cache, mountPath: /cache, readOnly: false}
                      volumes:
                      - {name: cache, emptyDir: {}}
                """;
        String limitRange = """
                apiVersion: v1
                kind: LimitRange
                metadata: {name: limits, namespace: norm-prod}
                spec:
                  limits:
                  - type: Container
                    default: {cpu: 1000m, memory: 512Mi}
                """;
        publishApplied(target, "norm-prod", deployment, limitRange);
        assertThat(client().apps().deployments().inNamespace("norm-prod").withName("web").get().getSpec()
                .getTemplate().getSpec().getContainers().get(0).getImagePullPolicy())
                .as("the sandbox defaulted the container").isEqualTo("IfNotPresent");

        // the HPA scales through /scale as kube-controller-manager, an allowed writer: not drift
        scaleAs("kube-controller-manager", "norm-prod", "web", 5);
        // a person edits the image: drift, and the first event about the target names that field alone
        patchAs("kubectl-edit", "/apis/apps/v1/namespaces/norm-prod/deployments/web",
                "application/strategic-merge-patch+json",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.28\"}]}}}}");

        DriftDetected edited = awaitEvent(target, DriftDetected.class, e -> true);
        assertThat(edited.object()).isEqualTo(web);
        assertThat(edited.fields()).containsExactly("spec.template.spec.containers[name=web].image");
        assertThat(edited.changes()).containsExactly(new FieldChange("spec.template.spec.containers[name=web].image",
                "\"nginx:1.27\"", "\"nginx:1.28\""));
        assertThat(edited.selfHeal()).isFalse();
        assertThat(edited.latencyMillis()).as("measured from the edit's managedFields time").isNotNull().isNotNegative();

        // a person scales with kubectl: spec.replicas is drift now (kubectl took it from the autoscaler)
        scaleAs("kubectl", "norm-prod", "web", 7);
        DriftUpdated scaled = awaitEvent(target, DriftUpdated.class, e -> true);
        assertThat(scaled.fields()).containsExactly("spec.replicas", "spec.template.spec.containers[name=web].image");
        assertThat(scaled.changes()).contains(new FieldChange("spec.replicas", "2", "7"));
        assertThat(driftEvents(target)).as("nothing about the LimitRange, whose 1000m the server stored as 1")
                .hasSize(2).allSatisfy(e -> assertThat(e instanceof DriftDetected d ? d.object()
                        : ((DriftUpdated) e).object()).isEqualTo(web));
    }

    @Test
    @Order(7)
    void anObjectClaimingATargetWithoutBeingInItsDesiredStateIsUnexpected() {
        TargetKey target = TargetKey.parse("local/stray/prod");
        publishApplied(target, "stray-prod", CONFIG_MAP.formatted("stray-prod", "fast"));
        ObjectRef stray = new ObjectRef("v1", "ConfigMap", "stray-prod", "made-by-hand");
        // the applier's inventory of the target carries its annotation too, but is Verity's record, never drift
        serverSideApplyRaw("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"verity-inventory-0123456789","namespace":"stray-prod",
                 "labels":{"app.kubernetes.io/managed-by":"verity","verity.dev/inventory-of":"0123456789"},
                 "annotations":{"verity.dev/target":"local/stray/prod"}},"data":{"objects":"[]"}}""", "verity");

        serverSideApplyRaw("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"made-by-hand","namespace":"stray-prod",
                 "labels":{"app.kubernetes.io/managed-by":"verity"},"annotations":{"verity.dev/target":"local/stray/prod"}},
                 "data":{"mode":"mine"}}""", "kubectl");

        DriftDetected unexpected = awaitEvent(target, DriftDetected.class, e -> e.object().equals(stray));
        assertThat(unexpected.kind()).isEqualTo(DriftKind.UNEXPECTED);
        assertThat(unexpected.fields()).isEmpty();

        client().configMaps().inNamespace("stray-prod").withName("made-by-hand").delete();
        awaitEvent(target, DriftResolved.class, e -> e.object().equals(stray));
        assertThat(driftEvents(target)).as("the stray's detection and resolution, nothing about the inventory")
                .hasSize(2);

        // an object the applier's inventory still has (a prune that failed) and someone stripped of Verity's label
        // and annotation: no informer sees it, the inventory names it
        ObjectRef leftover = new ObjectRef("v1", "ConfigMap", "stray-prod", "leftover");
        client().configMaps().inNamespace("stray-prod").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("leftover").endMetadata().addToData("mode", "old").build()).create();
        dev.verity.kube.ResourceType configMaps = new dev.verity.kube.ResourceType("", "v1", "ConfigMap", "configmaps",
                true);
        dev.verity.kube.InventoryStore inventories = new dev.verity.kube.InventoryStore(client(),
                dev.verity.kube.InventoryStore.DEFAULT_NAMESPACE);
        dev.verity.kube.Inventory written = inventories.write(dev.verity.kube.Inventory.empty(target).with(List.of(
                        new dev.verity.kube.Inventory.Entry(configMaps, "stray-prod", "settings", null,
                                dev.verity.kube.Stage.RESOURCES),
                        new dev.verity.kube.Inventory.Entry(configMaps, "stray-prod", "leftover", null,
                                dev.verity.kube.Stage.RESOURCES)), C1));
        assertThat(awaitEvent(target, DriftDetected.class, e -> e.object().equals(leftover)).kind())
                .isEqualTo(DriftKind.UNEXPECTED);
        // the applier's next apply prunes it and rewrites the inventory
        client().configMaps().inNamespace("stray-prod").withName("leftover").delete();
        inventories.write(written.with(List.of(written.entries().get(0)), C1));
        awaitEvent(target, DriftResolved.class, e -> e.object().equals(leftover));
        assertThat(driftEvents(target)).hasSize(4);
    }

    @Test
    @Order(8)
    void watchesTheServerClosesResumeAndA410RelistsWithNothingMissedOrDoubled() {
        TargetKey target = TargetKey.parse("local/watch/prod");
        publishApplied(target, "watch-prod", CONFIG_MAP.formatted("watch-prod", "fast"));
        String path = "/api/v1/namespaces/watch-prod/configmaps/settings";
        await().atMost(WAIT).until(() -> sandbox().openWatches() > 0);

        assertThat(sandbox().faults().closeWatches()).isPositive();
        patchAs("kubectl-edit", path, "application/merge-patch+json", "{\"data\":{\"mode\":\"slow\"}}");
        assertThat(awaitEvent(target, DriftDetected.class, e -> true).fields()).containsExactly("data.mode");
        RequestMatch getSettings = RequestMatch.of("get", "configmaps").inNamespace("watch-prod").named("settings");
        int readWhenItsStateArrived = sandbox().requests().matching(getSettings).size();

        // history compacted past what the ConfigMap informer saw (a write it does not watch), then its watch closed:
        // the re-watch gets 410 Gone and the informer relists
        client().configMaps().inNamespace("watch-prod").resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName("unwatched").endMetadata().addToData("a", "b").build()).create();
        long listsBefore = sandbox().requests().count(RequestMatch.of("list", "configmaps"), 200);
        sandbox().faults().compactHistory();
        sandbox().faults().closeWatches();
        patchAs("kubectl-edit", path, "application/merge-patch+json", "{\"data\":{\"mode\":\"fast\"}}");

        awaitEvent(target, DriftResolved.class, e -> true);
        await().atMost(WAIT).until(() -> sandbox().requests().count(RequestMatch.of("list", "configmaps"), 200)
                > listsBefore);
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5)).until(() -> driftEvents(target).size() == 2);
        assertThat(sandbox().requests().matching(getSettings)).as("read from the server only when a new state named it;"
                + " changes, closed watches and relists compared from the informer's cache").hasSize(readWhenItsStateArrived);
        PrometheusText metrics = PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract()
                .asString());
        Map<String, String> configMaps = Map.of("cluster", "local", "resource", "v1/configmaps");
        assertThat(metrics.count("verity_drift_api_requests_total", with(configMaps, "kind", "relist")))
                .isGreaterThanOrEqualTo(1);
        assertThat(metrics.count("verity_drift_api_requests_total", with(configMaps, "kind", "watch_restart")))
                .isGreaterThanOrEqualTo(2);
        assertThat(metrics.count("verity_drift_api_requests_total", with(configMaps, "kind", "list"))).isEqualTo(1);
        List<LoggedRequest> configMapLists = sandbox().requests().matching(RequestMatch.of("list", "configmaps"));
        assertThat(configMapLists.get(configMapLists.size() - 1).userAgent())
                .as("the relist, made by the monitor's client under its own User-Agent").isEqualTo(ClusterReader.USER_AGENT);
    }

    private static Map<String, String> with(Map<String, String> labels, String key, String value) {
        Map<String, String> all = new java.util.HashMap<>(labels);
        all.put(key, value);
        return all;
    }

    @Test
    @Order(9)
    void anObjectTheClusterWillNotListIsUnknownNeverInSyncUntilItCanBeRead() {
        TargetKey target = TargetKey.parse("local/blocked/prod");
        ObjectRef account = new ObjectRef("v1", "ServiceAccount", "blocked-prod", "runner");
        sandbox().faults().inject(RequestMatch.of("list", "serviceaccounts"), 2,
                new Fault.Status(409, null, "the server refused the list"));

        publishApplied(target, "blocked-prod", """
                apiVersion: v1
                kind: ServiceAccount
                metadata: {name: runner, namespace: blocked-prod}
                """);

        DriftUnknown unknown = awaitEvent(target, DriftUnknown.class, e -> true);
        assertThat(unknown.object()).isEqualTo(account);
        assertThat(unknown.reason()).startsWith("409");
        // the informer retries its list; once it lists, the object is compared and found in sync
        awaitEvent(target, DriftResolved.class, e -> e.object().equals(account));
        assertThat(driftEvents(target)).hasSize(2);
    }

    @Test
    @Order(10)
    void qMetricsCountsDriftByKindAndSkippedEvents() {
        // what the tests above made drift: modified and deleted (@Order(2), ...), one resolved (@Order(2))
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            PrometheusText metrics = PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract()
                    .asString());
            assertThat(metrics.names("verity_")).contains("verity_drift_detected_total", "verity_drift_resolved_total",
                    "verity_events_skipped_total");
            assertThat(metrics.count("verity_drift_detected_total", Map.of("cluster", "local", "kind", "modified")))
                    .isGreaterThanOrEqualTo(1);
            assertThat(metrics.count("verity_drift_detected_total", Map.of("cluster", "local", "kind", "deleted")))
                    .isGreaterThanOrEqualTo(1);
            assertThat(metrics.count("verity_drift_resolved_total", Map.of("cluster", "local")))
                    .isGreaterThanOrEqualTo(1);
            assertThat(metrics.value("verity_events_skipped_total", Map.of("type", "dev.verity.something.new.v1")))
                    .contains(1.0);
            // open now: shop-prod's web (deleted), shop-dev's web, qa's settings, vault's db, norm's web
            assertThat(metrics.value("verity_drift_open_objects", Map.of("cluster", "local"))).contains(5.0);
            assertThat(metrics.value("verity_drift_open_targets", Map.of("cluster", "local"))).contains(5.0);
            assertThat(metrics.value("verity_drift_unknown_objects", Map.of("cluster", "local"))).contains(0.0);
            assertThat(metrics.count("verity_drift_updated_total", Map.of("cluster", "local"))).isGreaterThanOrEqualTo(1);
            assertThat(metrics.count("verity_drift_unknown_total", Map.of("cluster", "local"))).isGreaterThanOrEqualTo(1);
            assertThat(metrics.count("verity_drift_detection_latency_seconds_count", Map.of("cluster", "local")))
                    .isGreaterThanOrEqualTo(1);
        });
    }

    @Test
    @Order(11)
    void aPathThePolicyIgnoresIsNotDriftButAnotherPathIsAndResolves() {
        TargetKey target = TargetKey.parse("local/ignore/prod");
        ObjectRef web = new ObjectRef("apps/v1", "Deployment", "ignore-prod", "web");
        Policy policy = Policy.DEFAULT.withIgnoreDifferences(List.of(
                new IgnoreDifference("apps", "Deployment", "web", null, List.of("/spec/replicas"))));
        publishApplied(target, "ignore-prod", policy, DEPLOYMENT.formatted("ignore-prod", 2));

        // a person scales by hand: spec.replicas is ignored for this Deployment, so not drift
        scaleAs("kubectl", "ignore-prod", "web", 5);
        // then edits the image: drift, and the first event about the target names that field alone
        patchAs("kubectl-edit", "/apis/apps/v1/namespaces/ignore-prod/deployments/web",
                "application/strategic-merge-patch+json",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.28\"}]}}}}");

        DriftDetected edited = awaitEvent(target, DriftDetected.class, e -> true);
        assertThat(edited.object()).isEqualTo(web);
        assertThat(edited.kind()).isEqualTo(DriftKind.MODIFIED);
        assertThat(edited.fields()).containsExactly("spec.template.spec.containers[name=web].image");

        // the image fixed by hand while replicas stay at 5: resolved, the ignored difference does not hold it open
        patchAs("kubectl-edit", "/apis/apps/v1/namespaces/ignore-prod/deployments/web",
                "application/strategic-merge-patch+json",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.27\"}]}}}}");
        awaitEvent(target, DriftResolved.class, e -> e.object().equals(web));
        assertThat(deployments("ignore-prod").withName("web").get().getSpec().getReplicas()).isEqualTo(5);
        assertThat(driftEvents(target)).hasSize(2);
    }

    @Test
    @Order(12)
    void aClusterScopedObjectIsComparedLikeAnyOther() {
        // the drift benchmark found every Namespace of a new state reported UNKNOWN ("namespace cannot be null")
        TargetKey target = TargetKey.parse("local/scoped/prod");
        ObjectRef namespace = new ObjectRef("v1", "Namespace", null, "scoped-prod");
        publishApplied(target, "scoped-prod", "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: scoped-prod\n"
                + "  labels: {team: a}\n", CONFIG_MAP.formatted("scoped-prod", "fast"));

        patchAs("kubectl-label", "/api/v1/namespaces/scoped-prod", "application/merge-patch+json",
                "{\"metadata\":{\"labels\":{\"team\":\"b\"}}}");

        DriftDetected labelled = awaitEvent(target, DriftDetected.class, e -> true);
        assertThat(labelled.object()).isEqualTo(namespace);
        assertThat(labelled.fields()).containsExactly("metadata.labels.team");
        assertThat(driftEvents(target)).as("read from the server when its state arrived, and compared").hasSize(1);
    }

    @Test
    @Order(13)
    void verityApplyingACommitTheMonitorHasNotReadYetIsNotDriftButAStrayWriteAsVerityIsOnceTheGraceIsOver() {
        // the reliability suite's takeover: the new applier applied a commit ~40 ms before the new monitor read it
        TargetKey target = TargetKey.parse("local/ahead/prod");
        publishApplied(target, "ahead-prod", DEPLOYMENT.formatted("ahead-prod", 2));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> driftEvents(target).isEmpty());

        // the applier, ahead of this monitor's consumers, applies commit C2 (4 replicas); its desired state and
        // Applied reach the monitor seconds later
        String c2 = DEPLOYMENT.formatted("ahead-prod", 4);
        AppliedObject stored = serverSideApply(c2, target);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(4)).until(() -> driftEvents(target).isEmpty());
        DesiredState desired = DesiredState.of(target, REPO, C2, "apps/ahead/overlays/prod", Policy.DEFAULT, List.of(c2));
        kafka().send(DESIRED, target.toString(), codec.encode(desired));
        kafka().send(Topics.applied("local"), target.toString(),
                codec.encode(new AppliedState(target, REPO, C2, desired.digest(), true, List.of(stored))));
        kafka().send(Topics.ROLLOUT, target.toString(), codec.encode(new Applied(target, REPO, C2, desired.digest(),
                List.of(stored.object()))));
        await().during(OWN_APPLY_GRACE.plusSeconds(2)).atMost(OWN_APPLY_GRACE.plusSeconds(4))
                .until(() -> driftEvents(target).isEmpty());

        // Verity's field manager writes 6 replicas, and no desired state of it ever comes (a stray applier, a person
        // borrowing the manager): drift once the grace is over, from the re-read when the hold ends
        long start = System.nanoTime();
        serverSideApply(DEPLOYMENT.formatted("ahead-prod", 6), target);
        DriftDetected stray = awaitEvent(target, DriftDetected.class, e -> true);
        Duration after = Duration.ofNanos(System.nanoTime() - start);
        assertThat(stray.fields()).containsExactly("spec.replicas");
        assertThat(stray.commit()).isEqualTo(C2);
        assertThat(after).as("held for the grace (managedFields times are whole seconds)")
                .isGreaterThanOrEqualTo(OWN_APPLY_GRACE.minusSeconds(1));
        assertThat(driftEvents(target)).hasSize(1);
    }

    /**
     * Puts the documents into the sandbox as the applier does, then publishes the desired state, the
     * {@code AppliedState} (what the sandbox answered, reduced to Verity's fields) and {@code Applied}.
     */
    DesiredState publishApplied(TargetKey target, String namespace, String... documents) {
        return publishApplied(target, namespace, Policy.DEFAULT, documents);
    }

    /** As {@link #publishApplied(TargetKey, String, String...)}, with the target's policy. */
    DesiredState publishApplied(TargetKey target, String namespace, Policy policy, String... documents) {
        createNamespace(namespace);
        List<AppliedObject> stored = new ArrayList<>();
        for (String document : documents) stored.add(serverSideApply(document, target));
        DesiredState desired = DesiredState.of(target, REPO, C1, "apps/" + target.app() + "/overlays/" + target.env(),
                policy, List.of(documents));
        List<ObjectRef> refs = stored.stream().map(AppliedObject::object).toList();
        kafka().send(DESIRED, target.toString(), codec.encode(desired));
        kafka().send(Topics.applied("local"), target.toString(),
                codec.encode(new AppliedState(target, REPO, C1, desired.digest(), true, stored)));
        kafka().send(Topics.ROLLOUT, target.toString(), codec.encode(new Applied(target, REPO, C1, desired.digest(), refs)));
        return desired;
    }

    @SuppressWarnings("unchecked")
    AppliedObject serverSideApply(String document, TargetKey target) {
        HasMetadata object = client().getKubernetesSerialization().unmarshal(document);
        Map<String, String> annotations = new java.util.HashMap<>();
        if (object.getMetadata().getAnnotations() != null) annotations.putAll(object.getMetadata().getAnnotations());
        annotations.put("verity.dev/target", target.toString());
        object.getMetadata().setAnnotations(annotations);
        Map<String, String> labels = new java.util.HashMap<>();
        if (object.getMetadata().getLabels() != null) labels.putAll(object.getMetadata().getLabels());
        labels.put("app.kubernetes.io/managed-by", "verity");
        object.getMetadata().setLabels(labels);
        HasMetadata answer = client().resource(object).fieldManager("verity").forceConflicts().serverSideApply();
        var serialization = client().getKubernetesSerialization();
        Map<String, Object> live = serialization.unmarshal(serialization.asJson(answer), Map.class);
        return ManagedFields.applied(new ObjectRef(answer.getApiVersion(), answer.getKind(),
                answer.getMetadata().getNamespace(), answer.getMetadata().getName()), live);
    }

    /** Writes {@code replicas} through the Deployment's /scale subresource as {@code manager} (kubectl scale, an HPA). */
    static void scaleAs(String manager, String namespace, String name, int replicas) {
        patchAs(manager, "/apis/apps/v1/namespaces/" + namespace + "/deployments/" + name + "/scale",
                "application/merge-patch+json", "{\"spec\":{\"replicas\":" + replicas + "}}");
    }

    /** A patch as {@code manager}, as kubectl sends it. */
    static void patchAs(String manager, String path, String contentType, String patch) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(sandbox().url() + path + "?fieldManager=" + manager))
                .header("Content-Type", contentType)
                .method("PATCH", HttpRequest.BodyPublishers.ofString(patch)).build();
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as("PATCH %s as %s: %s", path, manager, response.body()).isEqualTo(200);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    void createNamespace(String name) {
        serverSideApplyRaw("{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + name + "\"}}");
    }

    void serverSideApplyRaw(String json) {
        serverSideApplyRaw(json, "verity");
    }

    void serverSideApplyRaw(String json, String manager) {
        HasMetadata object = client().getKubernetesSerialization().unmarshal(json);
        client().resource(object).fieldManager(manager).forceConflicts().serverSideApply();
    }

    <T extends TargetEvent> T awaitEvent(TargetKey target, Class<T> type, java.util.function.Predicate<T> match) {
        return await().atMost(WAIT).until(() -> driftEvents(target).stream().filter(type::isInstance).map(type::cast)
                .filter(match).findFirst().orElse(null), e -> e != null);
    }

    List<TargetEvent> driftEvents(TargetKey target) {
        return records(target).stream().map(r -> codec.decode(r.value(), TargetEvent.class)).toList();
    }

    List<ConsumerRecord<String, String>> records(TargetKey target) {
        return kafka().readAll(Topics.DRIFT).stream().filter(r -> target.toString().equals(r.key())).toList();
    }

    static NonNamespaceOperation<Deployment, DeploymentList, RollableScalableResource<Deployment>> deployments(
            String namespace) {
        return client().apps().deployments().inNamespace(namespace);
    }

    static String base64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    static KubernetesClient client() {
        return sandbox().client();
    }

    static KubeSandbox sandbox() {
        return KubeSandboxResource.sandbox();
    }

    static EmbeddedKafka kafka() {
        return EmbeddedKafkaResource.kafka();
    }
}
