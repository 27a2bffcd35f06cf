package dev.verity.kube;

import dev.verity.events.DesiredState;
import dev.verity.events.Policy;
import dev.verity.events.TargetKey;
import io.fabric8.kubernetes.api.model.ConfigMap;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static dev.verity.kube.ApplierSandboxIT.configMap;
import static dev.verity.kube.ApplierSandboxIT.namespace;
import static org.assertj.core.api.Assertions.assertThat;

/** Inventory and prune against the Kubernetes sandbox: what Verity records, deletes, keeps and hands over. */
class ApplierPruneIT extends OnSandbox {

    static final Policy NO_PRUNE = new Policy(false, false, false, true, false, List.of());
    static final Policy ALLOW_EMPTY = new Policy(false, true, false, true, true, List.of());

    static DesiredState desired(String target, String commit, Policy policy, String... documents) {
        return ApplierSandboxIT.desired(target, commit, policy, documents);
    }

    ConfigMap configMapIn(String ns, String name) {
        return cluster.configMaps().inNamespace(ns).withName(name).get();
    }

    @Test
    void anObjectRemovedFromGitIsPrunedAndTheInventoryFollows() {
        TargetKey target = TargetKey.parse("local/p1/prod");
        ApplyResult first = applier.apply(desired("local/p1/prod", "c1", Policy.DEFAULT,
                namespace("p1"), configMap("p1", "keep", "a"), configMap("p1", "gone", "b")));
        assertThat(first.succeeded()).as("%s", first.error()).isTrue();
        ConfigMap keep = configMapIn("p1", "keep");
        assertThat(keep.getMetadata().getLabels()).containsEntry(Ownership.MANAGED_BY_LABEL, "verity")
                .containsEntry(Ownership.TARGET_HASH_LABEL, Ownership.targetHash(target));
        assertThat(cluster.configMaps().inAnyNamespace()
                .withLabel(Ownership.TARGET_HASH_LABEL, Ownership.targetHash(target)).list().getItems())
                .extracting(c -> c.getMetadata().getName()).containsExactlyInAnyOrder("keep", "gone");
        Inventory recorded = applier.inventories().read(target);
        assertThat(recorded.entries()).extracting(e -> e.ref().toString())
                .containsExactly("Namespace p1", "ConfigMap p1/keep", "ConfigMap p1/gone");
        assertThat(recorded.entries()).allSatisfy(e -> assertThat(e.uid()).isNotBlank());
        assertThat(recorded.commit()).isEqualTo("c1");

        ApplyResult second = applier.apply(desired("local/p1/prod", "c2", Policy.DEFAULT,
                namespace("p1"), configMap("p1", "keep", "a")));

        assertThat(second.succeeded()).as("%s", second.error()).isTrue();
        assertThat(second.removed()).extracting(o -> o.object() + " " + o.outcome())
                .containsExactly("ConfigMap p1/gone PRUNED");
        assertThat(second.summary()).contains("1 pruned");
        assertThat(configMapIn("p1", "gone")).isNull();
        assertThat(configMapIn("p1", "keep")).isNotNull();
        assertThat(applier.inventories().read(target).entries()).extracting(e -> e.ref().toString())
                .containsExactly("Namespace p1", "ConfigMap p1/keep");
        ConfigMap stored = configMapIn(InventoryStore.DEFAULT_NAMESPACE, InventoryStore.configMapName(target));
        assertThat(stored.getMetadata().getAnnotations()).containsEntry(Ownership.TARGET_ANNOTATION, "local/p1/prod");
    }

    @Test
    void anEmptyRenderIsRefusedUnlessThePolicyAllowsItAndNamespacesAreKeptNotDeleted() {
        applier.apply(desired("local/p2/prod", "c1", Policy.DEFAULT, namespace("p2"), configMap("p2", "cfg", "a")));

        ApplyResult refused = applier.apply(desired("local/p2/prod", "c2", Policy.DEFAULT));
        assertThat(refused.succeeded()).isFalse();
        assertThat(refused.failedAt()).isEqualTo(ApplyStep.INVENTORY);
        assertThat(refused.error()).contains("local/p2/prod@c2", "no objects", "2 object(s)", "allowEmpty: true");
        assertThat(configMapIn("p2", "cfg")).isNotNull();

        ApplyResult emptied = applier.apply(desired("local/p2/prod", "c3", ALLOW_EMPTY));
        assertThat(emptied.succeeded()).as("%s", emptied.error()).isTrue();
        assertThat(emptied.removed()).extracting(o -> o.object() + " " + o.outcome())
                .containsExactly("ConfigMap p2/cfg PRUNED", "Namespace p2 KEPT");
        var ns = cluster.namespaces().withName("p2").get();
        assertThat(ns).isNotNull();
        assertThat(ns.getMetadata().getAnnotations()).doesNotContainKey(Ownership.TARGET_ANNOTATION);
        assertThat(ns.getMetadata().getLabels()).doesNotContainKeys(Ownership.MANAGED_BY_LABEL, Ownership.TARGET_HASH_LABEL);
        assertThat(applier.inventories().read(TargetKey.parse("local/p2/prod")).entries()).isEmpty();
    }

    @Test
    void pruneOffOrAnnotatedDisabledKeepsTheObjectAndReleasesIt() {
        applier.apply(desired("local/p3/prod", "c1", Policy.DEFAULT, namespace("p3"), configMap("p3", "a", "1"),
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: p3\n  annotations: {verity.dev/prune: disabled}\n"));

        ApplyResult annotated = applier.apply(desired("local/p3/prod", "c2", Policy.DEFAULT, namespace("p3"),
                configMap("p3", "a", "1")));
        assertThat(annotated.removed()).extracting(o -> o.object() + " " + o.outcome()).containsExactly("ConfigMap p3/b KEPT");
        assertThat(annotated.removed().get(0).reason()).contains("verity.dev/prune: disabled");
        assertThat(configMapIn("p3", "b").getMetadata().getAnnotations()).doesNotContainKey(Ownership.TARGET_ANNOTATION);

        ApplyResult off = applier.apply(desired("local/p3/prod", "c3", NO_PRUNE, namespace("p3")));
        assertThat(off.succeeded()).as("%s", off.error()).isTrue();
        assertThat(off.removed()).extracting(o -> o.object() + " " + o.outcome()).containsExactly("ConfigMap p3/a KEPT");
        assertThat(off.removed().get(0).reason()).contains("prune: false");
        assertThat(configMapIn("p3", "a")).isNotNull();
        assertThat(configMapIn("p3", "a").getMetadata().getLabels()).doesNotContainKey(Ownership.TARGET_HASH_LABEL);
    }

    @Test
    void anObjectRecreatedOutsideVerityIsNotPruned() {
        applier.apply(desired("local/p4/prod", "c1", Policy.DEFAULT, namespace("p4"), configMap("p4", "x", "1")));
        ConfigMap original = configMapIn("p4", "x");
        cluster.configMaps().inNamespace("p4").withName("x").delete();
        cluster.resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder(original).editMetadata()
                .withUid(null).withResourceVersion(null).withCreationTimestamp(null).withManagedFields()
                .endMetadata().build()).create();

        ApplyResult result = applier.apply(desired("local/p4/prod", "c2", Policy.DEFAULT, namespace("p4")));

        assertThat(result.removed()).extracting(o -> o.object() + " " + o.outcome()).containsExactly("ConfigMap p4/x KEPT");
        assertThat(result.removed().get(0).reason()).contains("created again outside Verity");
        assertThat(configMapIn("p4", "x")).isNotNull();
    }

    @Test
    void aFailedApplyPrunesNothingAndTheNextOneLeaksNothing() {
        TargetKey target = TargetKey.parse("local/p5/prod");
        applier.apply(desired("local/p5/prod", "c1", Policy.DEFAULT, namespace("p5"), configMap("p5", "old", "1")));
        String badDeployment = """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: p5}
                spec:
                  replicas: "three"
                  selector: {matchLabels: {app: web}}
                  template:
                    metadata: {labels: {app: web}}
                    spec: {containers: [{name: web, image: nginx}]}
                """;
        ApplyResult failed = applier.apply(desired("local/p5/prod", "c2", Policy.DEFAULT, namespace("p5"),
                configMap("p5", "new", "1"), badDeployment));
        assertThat(failed.succeeded()).isFalse();
        assertThat(failed.failedAt()).isEqualTo(ApplyStep.DRY_RUN);
        assertThat(failed.removed()).isEmpty();
        assertThat(configMapIn("p5", "new")).as("nothing of a refused stage is written").isNull();
        assertThat(configMapIn("p5", "old")).as("nothing is pruned after a failed apply").isNotNull();
        // everything the failed apply may have created is recorded
        assertThat(applier.inventories().read(target).entries()).extracting(e -> e.ref().toString())
                .contains("ConfigMap p5/old", "ConfigMap p5/new", "Deployment p5/web");

        ApplyResult fixed = applier.apply(desired("local/p5/prod", "c3", Policy.DEFAULT, namespace("p5")));
        assertThat(fixed.succeeded()).as("%s", fixed.error()).isTrue();
        assertThat(fixed.removed()).extracting(o -> o.object() + " " + o.outcome() + (o.reason().isEmpty() ? "" : " " + o.reason()))
                .containsExactlyInAnyOrder("Deployment p5/web PRUNED already gone", "ConfigMap p5/new PRUNED already gone",
                        "ConfigMap p5/old PRUNED");
        assertThat(configMapIn("p5", "old")).isNull();
        assertThat(configMapIn("p5", "new")).isNull();
    }

    @Test
    void aRemovedTargetIsPrunedWithItsInventorysPolicyAndTheInventoryIsForgotten() {
        TargetKey target = TargetKey.parse("local/r1/prod");
        applier.apply(desired("local/r1/prod", "c1", Policy.DEFAULT, namespace("r1"), configMap("r1", "a", "1"),
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n  namespace: r1\n  annotations: {verity.dev/prune: disabled}\n"));

        ApplyResult removed = applier.remove(new TargetChange(target, ApplierSandboxIT.REPO, "c2", List.of()), OtherTargets.NONE);

        assertThat(removed.succeeded()).as("%s", removed.error()).isTrue();
        assertThat(removed.removed()).extracting(o -> o.object() + " " + o.outcome())
                .containsExactly("ConfigMap r1/b KEPT", "ConfigMap r1/a PRUNED", "Namespace r1 KEPT");
        assertThat(configMapIn("r1", "a")).isNull();
        assertThat(configMapIn("r1", "b").getMetadata().getAnnotations()).doesNotContainKey(Ownership.TARGET_ANNOTATION);
        assertThat(cluster.namespaces().withName("r1").get().getMetadata().getLabels())
                .doesNotContainKey(Ownership.TARGET_HASH_LABEL);
        assertThat(cluster.configMaps().inNamespace(InventoryStore.DEFAULT_NAMESPACE)
                .withName(InventoryStore.configMapName(target)).get()).isNull();
        assertThat(applier.remove(new TargetChange(target, ApplierSandboxIT.REPO, "c2", List.of()), OtherTargets.NONE)
                .removed()).as("a second removal finds nothing").isEmpty();
    }

    @Test
    void aRemovedTargetWhosePolicyDoesNotPruneReleasesEverythingAndProtectedKindsArePrunedOnlyWhenListed() {
        TargetKey kept = TargetKey.parse("local/r2/prod");
        applier.apply(desired("local/r2/prod", "c1", NO_PRUNE, namespace("r2"), configMap("r2", "a", "1")));

        ApplyResult released = applier.remove(new TargetChange(kept, ApplierSandboxIT.REPO, "c2", List.of()), OtherTargets.NONE);

        assertThat(released.removed()).extracting(o -> o.outcome().name()).containsOnly("KEPT");
        assertThat(released.removed()).allSatisfy(o -> assertThat(o.reason()).contains("prune: false"));
        assertThat(configMapIn("r2", "a").getMetadata().getLabels()).doesNotContainKeys(Ownership.MANAGED_BY_LABEL,
                Ownership.TARGET_HASH_LABEL);
        assertThat(applier.inventories().read(kept).resourceVersion()).isNull();

        TargetKey all = TargetKey.parse("local/r3/prod");
        applier.apply(desired("local/r3/prod", "c1", Policy.DEFAULT.withPruneAlso(Set.of("Namespace")), namespace("r3"),
                configMap("r3", "a", "1")));
        assertThat(applier.inventories().read(all).prunePolicy()).isEqualTo(new PrunePolicy(true, Set.of("Namespace")));

        ApplyResult pruned = applier.remove(new TargetChange(all, ApplierSandboxIT.REPO, "c2", List.of()), OtherTargets.NONE);

        assertThat(pruned.removed()).extracting(o -> o.object() + " " + o.outcome())
                .containsExactly("ConfigMap r3/a PRUNED", "Namespace r3 PRUNED");
        var ns = cluster.namespaces().withName("r3").get();
        assertThat(ns == null || ns.getMetadata().getDeletionTimestamp() != null).as("namespace r3 deleted").isTrue();
    }

    @Test
    void aRemovedTargetsObjectThatMovesToATargetOfTheSameCommitWaitsAndIsHandedOver() {
        TargetKey old = TargetKey.parse("local/r4/prod");
        applier.apply(desired("local/r4/prod", "c1", Policy.DEFAULT, namespace("r4"), configMap("r4", "moving", "1")));
        KnownTargets others = new KnownTargets();
        others.inFlight.add(TargetKey.parse("local/r5/prod"));

        ApplyResult waiting = applier.remove(new TargetChange(old, ApplierSandboxIT.REPO, "c2",
                List.of(TargetKey.parse("local/r5/prod"))), others);
        assertThat(waiting.waitingFor()).isEqualTo(TargetKey.parse("local/r5/prod"));
        assertThat(configMapIn("r4", "moving")).isNotNull();
        assertThat(applier.inventories().read(old).entries()).extracting(e -> e.ref().toString())
                .containsExactly("ConfigMap r4/moving");

        others.inFlight.clear();
        others.wants("local/r5/prod", "v1", "ConfigMap", "r4", "moving");
        ApplyResult handedOver = applier.remove(new TargetChange(old, ApplierSandboxIT.REPO, "c2", List.of()), others);
        assertThat(handedOver.removed()).extracting(o -> o.object() + " " + o.outcome())
                .containsExactly("ConfigMap r4/moving MOVED");
        assertThat(configMapIn("r4", "moving")).isNotNull();
        assertThat(applier.inventories().read(old).resourceVersion()).isNull();
    }

    @Test
    void anApplyReportsWhatTheServerStoredOnVeritysFieldsWithSecretDataHashed() {
        ApplyResult result = applier.apply(desired("local/s1/prod", "c1", Policy.DEFAULT, namespace("s1"),
                configMap("s1", "cfg", "1"),
                // data, not stringData: the server keeps no stringData, so its values are not on Verity's fields
                // (converting stringData to data before applying is issue 8)
                "apiVersion: v1\nkind: Secret\nmetadata: {name: token, namespace: s1}\ndata: {password: aHVudGVyMg==}\n"));

        assertThat(result.succeeded()).as("%s", result.error()).isTrue();
        assertThat(result.state()).extracting(a -> a.object().toString())
                .containsExactly("Namespace s1", "ConfigMap s1/cfg", "Secret s1/token");
        var cfg = result.state().get(1);
        assertThat(cfg.uid()).isEqualTo(configMapIn("s1", "cfg").getMetadata().getUid());
        assertThat(cfg.fields()).containsKeys("f:data", "f:metadata");
        assertThat(cfg.values()).containsEntry("data", Map.of("value", "1"));
        assertThat(cfg.values()).doesNotContainKeys("status", "kind");
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) cfg.values().get("metadata");
        assertThat(metadata).containsKeys("labels", "annotations").doesNotContainKeys("uid", "resourceVersion", "managedFields");
        var secret = result.state().get(2);
        String stored = cluster.secrets().inNamespace("s1").withName("token").get().getData().get("password");
        assertThat(stored).isEqualTo("aHVudGVyMg==");
        assertThat(secret.values().toString()).doesNotContain(stored);
        assertThat(secret.values()).containsEntry("data", Map.of("password", ManagedFields.secretHash(secret.uid(), stored)));
    }

    /**
     * A test double of what the applier service knows of the cluster's other targets: their latest desired state's
     * objects, by identity.
     */
    static final class KnownTargets implements OtherTargets {
        final Map<TargetKey, Set<String>> wants = new HashMap<>();
        final List<TargetKey> inFlight = new java.util.ArrayList<>();

        @Override
        public List<TargetKey> inFlight(TargetChange change) {
            return List.copyOf(inFlight);
        }

        void wants(String target, String apiVersion, String kind, String namespace, String... names) {
            Set<String> set = wants.computeIfAbsent(TargetKey.parse(target), t -> new HashSet<>());
            for (String name : names) set.add(OtherTargets.identity(apiVersion, kind, namespace, name));
        }

        @Override
        public Optional<TargetKey> wanting(TargetKey applying, String identity) {
            return wants.entrySet().stream().filter(e -> !e.getKey().equals(applying) && e.getValue().contains(identity))
                    .map(Map.Entry::getKey).findFirst();
        }

        @Override
        public boolean knows(String target) {
            return wants.containsKey(TargetKey.parse(target));
        }
    }

    @Test
    void anObjectMovedToAnotherTargetInOneCommitMovesInEitherOrder() {
        applier.apply(desired("local/old/prod", "c1", Policy.DEFAULT, namespace("mv"), configMap("mv", "shared", "1")));

        // the commit moves ConfigMap mv/shared from target old to target new; new arrives first
        KnownTargets known = new KnownTargets();
        known.wants("local/old/prod", "v1", "Namespace", null, "mv");
        known.wants("local/new/prod", "v1", "ConfigMap", "mv", "shared");
        ApplyResult taken = applier.apply(desired("local/new/prod", "c2", Policy.DEFAULT, configMap("mv", "shared", "2")), known);
        assertThat(taken.succeeded()).as("%s", taken.error()).isTrue();
        assertThat(configMapIn("mv", "shared").getMetadata().getAnnotations()).containsEntry(Ownership.TARGET_ANNOTATION, "local/new/prod");

        ApplyResult left = applier.apply(desired("local/old/prod", "c2", Policy.DEFAULT, namespace("mv")), known);
        assertThat(left.succeeded()).as("%s", left.error()).isTrue();
        assertThat(left.removed()).extracting(o -> o.object() + " " + o.outcome()).containsExactly("ConfigMap mv/shared MOVED");
        assertThat(configMapIn("mv", "shared").getData()).containsEntry("value", "2");

        // and back, the old target's apply first this time: it hands the object over without touching it
        known.wants.clear();
        known.wants("local/old/prod", "v1", "ConfigMap", "mv", "shared");
        known.wants("local/new/prod", "v1", "Namespace", null, "unused");
        ApplyResult handedOver = applier.apply(desired("local/new/prod", "c3", ALLOW_EMPTY, namespace("mv2")), known);
        assertThat(handedOver.removed()).extracting(o -> o.object() + " " + o.outcome()).containsExactly("ConfigMap mv/shared MOVED");
        assertThat(handedOver.removed().get(0).reason()).contains("local/old/prod");
        ApplyResult back = applier.apply(desired("local/old/prod", "c3", Policy.DEFAULT, namespace("mv"),
                configMap("mv", "shared", "3")), known);
        assertThat(back.succeeded()).as("%s", back.error()).isTrue();
        assertThat(configMapIn("mv", "shared").getData()).containsEntry("value", "3");
    }

    @Test
    void twoTargetsThatBothWantAnObjectNeverOverwriteEachOther() {
        applier.apply(desired("local/one/prod", "c1", Policy.DEFAULT, namespace("both"), configMap("both", "cfg", "1")));
        KnownTargets known = new KnownTargets();
        known.wants("local/one/prod", "v1", "ConfigMap", "both", "cfg");
        known.wants("local/two/prod", "v1", "ConfigMap", "both", "cfg");

        ApplyResult second = applier.apply(desired("local/two/prod", "c1", Policy.DEFAULT, configMap("both", "cfg", "2")), known);

        assertThat(second.succeeded()).isFalse();
        assertThat(second.failedAt()).isEqualTo(ApplyStep.CHECK_OWNERSHIP);
        assertThat(second.error()).contains("belongs to target local/one/prod");
        assertThat(configMapIn("both", "cfg").getData()).containsEntry("value", "1");
    }

    @Test
    void anObjectLeavingATargetWaitsForAnotherTargetOfTheSameCommitInsteadOfBeingDeleted() {
        applier.apply(desired("local/from/prod", "c1", Policy.DEFAULT, namespace("wait"), configMap("wait", "moving", "1")));
        String uid = configMapIn("wait", "moving").getMetadata().getUid();
        KnownTargets known = new KnownTargets();
        known.wants("local/from/prod", "v1", "Namespace", null, "wait");
        known.inFlight.add(TargetKey.parse("local/to/prod")); // its desired state for this commit is on its way

        ApplyResult left = applier.apply(desired("local/from/prod", "c2", Policy.DEFAULT, namespace("wait")), known);

        assertThat(left.succeeded()).as("%s", left.error()).isTrue();
        assertThat(left.waitingFor()).isEqualTo(TargetKey.parse("local/to/prod"));
        assertThat(left.removed()).extracting(o -> o.object() + " " + o.outcome()).containsExactly("ConfigMap wait/moving WAITING");
        assertThat(configMapIn("wait", "moving").getMetadata().getUid()).isEqualTo(uid);
        assertThat(applier.inventories().read(TargetKey.parse("local/from/prod")).entries())
                .extracting(e -> e.ref().toString()).contains("ConfigMap wait/moving");

        // the other target arrives and takes it: no outage, the same object
        known.inFlight.clear();
        known.wants("local/to/prod", "v1", "ConfigMap", "wait", "moving");
        ApplyResult taken = applier.apply(desired("local/to/prod", "c2", Policy.DEFAULT, configMap("wait", "moving", "2")), known);
        assertThat(taken.succeeded()).as("%s", taken.error()).isTrue();
        ApplyResult again = applier.apply(desired("local/from/prod", "c2", Policy.DEFAULT, namespace("wait")), known);
        assertThat(again.removed()).extracting(o -> o.object() + " " + o.outcome()).containsExactly("ConfigMap wait/moving MOVED");
        assertThat(configMapIn("wait", "moving").getMetadata().getUid()).isEqualTo(uid);
        assertThat(configMapIn("wait", "moving").getMetadata().getAnnotations()).containsEntry(Ownership.TARGET_ANNOTATION, "local/to/prod");
        assertThat(applier.inventories().read(TargetKey.parse("local/from/prod")).entries())
                .extracting(e -> e.ref().toString()).containsExactly("Namespace wait");
    }

    @Test
    void applyingTheDesiredStateOfARevertedCommitConvergesBack() {
        applier.apply(desired("local/rv/prod", "c1", Policy.DEFAULT, namespace("rv"), configMap("rv", "cfg", "v1")));
        applier.apply(desired("local/rv/prod", "c2", Policy.DEFAULT, namespace("rv"), configMap("rv", "cfg", "v2"),
                configMap("rv", "added", "x")));
        assertThat(configMapIn("rv", "added")).isNotNull();

        // git revert c2 renders what c1 rendered
        ApplyResult reverted = applier.apply(desired("local/rv/prod", "c3", Policy.DEFAULT, namespace("rv"),
                configMap("rv", "cfg", "v1")));

        assertThat(reverted.succeeded()).as("%s", reverted.error()).isTrue();
        assertThat(configMapIn("rv", "cfg").getData()).containsEntry("value", "v1");
        assertThat(configMapIn("rv", "added")).isNull();
    }
}
