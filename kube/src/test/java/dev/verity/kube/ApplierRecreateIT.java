package dev.verity.kube;

import dev.verity.events.Policy;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import org.junit.jupiter.api.Test;

import static dev.verity.kube.ApplierSandboxIT.desired;
import static dev.verity.kube.ApplierSandboxIT.namespace;
import static org.assertj.core.api.Assertions.assertThat;

/** A change of an immutable field: refused without {@code recreate: true}, the object recreated with it. */
class ApplierRecreateIT extends OnSandbox {

    static final Policy RECREATE = Policy.DEFAULT.withRecreate(true);

    static String deployment(String ns, String app) {
        return """
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: web, namespace: %1$s}
                spec:
                  replicas: 1
                  selector: {matchLabels: {app: %2$s}}
                  template:
                    metadata: {labels: {app: %2$s}}
                    spec:
                      containers:
                      - {name: web, image: "nginx:1.27"}
                """.formatted(ns, app);
    }

    static String claim(String ns, String size) {
        return """
                apiVersion: v1
                kind: PersistentVolumeClaim
                metadata: {name: data, namespace: %s}
                spec:
                  accessModes: [ReadWriteOnce]
                  storageClassName: %s
                  resources: {requests: {storage: 1Gi}}
                """.formatted(ns, size);
    }

    Deployment web(String ns) {
        return cluster.apps().deployments().inNamespace(ns).withName("web").get();
    }

    @Test
    void aSelectorChangeFailsWithoutRecreateAndRecreatesTheObjectWithIt() {
        ApplyResult first = applier.apply(desired("local/rc/prod", "c1", Policy.DEFAULT, namespace("rc"),
                deployment("rc", "web")));
        assertThat(first.succeeded()).as("%s", first.error()).isTrue();
        String uid = web("rc").getMetadata().getUid();

        ApplyResult refused = applier.apply(desired("local/rc/prod", "c2", Policy.DEFAULT, namespace("rc"),
                deployment("rc", "web-v2")));

        assertThat(refused.failedAt()).isEqualTo(ApplyStep.DRY_RUN);
        assertThat(refused.error()).contains("refused Deployment rc/web: the API server answered 422 Invalid")
                .contains("field is immutable")
                .contains("spec.selector cannot be changed in place: set recreate: true in the target's policy in"
                        + " verity.yaml to let Verity delete the Deployment and create it again, or recreate it by hand");
        assertThat(web("rc").getMetadata().getUid()).isEqualTo(uid);
        assertThat(web("rc").getSpec().getSelector().getMatchLabels()).containsEntry("app", "web");

        ApplyResult recreated = applier.apply(desired("local/rc/prod", "c2", RECREATE, namespace("rc"),
                deployment("rc", "web-v2")));

        assertThat(recreated.succeeded()).as("%s", recreated.error()).isTrue();
        assertThat(recreated.objects()).extracting(o -> o.object().kind() + " " + o.outcome() + " " + o.reason())
                .containsExactly("Namespace UNCHANGED ", "Deployment CONFIGURED recreated: spec.selector cannot be"
                        + " changed in place");
        Deployment now = web("rc");
        assertThat(now.getMetadata().getUid()).isNotEqualTo(uid);
        assertThat(now.getSpec().getSelector().getMatchLabels()).containsEntry("app", "web-v2");
        assertThat(now.getMetadata().getAnnotations()).containsEntry(Ownership.TARGET_ANNOTATION, "local/rc/prod");
        assertThat(applier.inventories().read(dev.verity.events.TargetKey.parse("local/rc/prod")).entries())
                .filteredOn(e -> e.ref().kind().equals("Deployment"))
                .extracting(Inventory.Entry::uid).containsExactly(now.getMetadata().getUid());
    }

    @Test
    void anObjectCreatedAgainMeanwhileIsNotDeleted() {
        ApplyResult first = applier.apply(desired("local/rc-uid/prod", "c1", Policy.DEFAULT, namespace("rc-uid"),
                deployment("rc-uid", "web")));
        assertThat(first.succeeded()).as("%s", first.error()).isTrue();
        PlannedObject object = ApplyPlan.validate(java.util.List.of(deployment("rc-uid", "web")),
                (apiVersion, kind) -> java.util.Optional.of(new ResourceType("apps", "v1", "Deployment", "deployments", true)))
                .objects().get(0);

        java.util.Optional<String> refused = new Recreator(cluster, java.time.Duration.ofSeconds(5))
                .delete(object, "not-the-live-uid");

        assertThat(refused).hasValueSatisfying(why -> assertThat(why).contains("deleted and created again by someone"
                + " else while Verity was recreating it (uid precondition not-the-live-uid failed)"));
        assertThat(web("rc-uid")).isNotNull();
    }

    @Test
    void anObjectThatIsNotGoneInTimeFailsTheTargetNamingIt() {
        String held = deployment("rc-held", "web").replace("metadata: {name: web, namespace: rc-held}",
                "metadata: {name: web, namespace: rc-held, finalizers: [example.com/hold]}");
        ApplyResult first = applier.apply(desired("local/rc-held/prod", "c1", Policy.DEFAULT, namespace("rc-held"), held));
        assertThat(first.succeeded()).as("%s", first.error()).isTrue();
        Applier impatient = new Applier(cluster, ApplyOptions.DEFAULT.withRecreateTimeout(java.time.Duration.ofMillis(500)));

        ApplyResult failed = impatient.apply(desired("local/rc-held/prod", "c2", RECREATE, namespace("rc-held"),
                held.replace("app: web", "app: web-v2")));

        assertThat(failed.failedAt()).isEqualTo(ApplyStep.APPLY);
        assertThat(failed.error()).contains("Deployment rc-held/web could not be applied: it was deleted to recreate it,"
                + " but is still there after ").contains("(finalizers: [example.com/hold]); it was not created again");
        assertThat(web("rc-held").getMetadata().getDeletionTimestamp()).isNotNull();
    }

    @Test
    void aPersistentVolumeClaimIsNeverRecreated() {
        ApplyResult first = applier.apply(desired("local/pvc/prod", "c1", RECREATE, namespace("pvc"),
                claim("pvc", "fast")));
        assertThat(first.succeeded()).as("%s", first.error()).isTrue();
        String uid = cluster.persistentVolumeClaims().inNamespace("pvc").withName("data").get().getMetadata().getUid();

        ApplyResult refused = applier.apply(desired("local/pvc/prod", "c2", RECREATE, namespace("pvc"),
                claim("pvc", "slow")));

        assertThat(refused.failedAt()).isEqualTo(ApplyStep.DRY_RUN);
        assertThat(refused.error()).contains("refused PersistentVolumeClaim pvc/data: the API server answered 422")
                .contains("Verity never deletes a PersistentVolumeClaim to recreate it");
        assertThat(cluster.persistentVolumeClaims().inNamespace("pvc").withName("data").get().getMetadata().getUid())
                .isEqualTo(uid);
    }
}
