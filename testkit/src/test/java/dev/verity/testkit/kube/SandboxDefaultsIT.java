package dev.verity.testkit.kube;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.Serialization;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sandbox's defaults over HTTP, where they meet field ownership and storage: what a create, an update and a
 * server-side apply return, and who owns the defaulted fields afterwards (as on a real server, an Update's manager
 * owns the defaults it was decoded with; an Apply's manager owns only what it applied).
 */
class SandboxDefaultsIT {

  @RegisterExtension
  static final SandboxFixture SANDBOX = new SandboxFixture("defaults");
  private String ns;

  @BeforeEach
  void namespace() {
    ns = SANDBOX.namespace();
  }

  private static KubernetesClient client() {
    return SANDBOX.client();
  }

  @Test
  void anAppliedDeploymentIsDefaultedButItsManagerOwnsOnlyWhatItApplied() {
    Deployment applied = client().apps().deployments().inNamespace(ns).resource(Serialization.unmarshal("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: "nginx:1.27"}]}
        """, Deployment.class)).fieldManager("verity").serverSideApply();

    assertThat(applied.getSpec().getStrategy().getType()).isEqualTo("RollingUpdate");
    assertThat(applied.getSpec().getRevisionHistoryLimit()).isEqualTo(10);
    assertThat(applied.getSpec().getTemplate().getSpec().getContainers().get(0).getImagePullPolicy()).isEqualTo("IfNotPresent");
    String owned = fields(applied, "verity");
    assertThat(owned).contains("f:containers", "f:image");
    assertThat(owned).doesNotContain("f:strategy", "f:revisionHistoryLimit", "f:imagePullPolicy", "f:dnsPolicy");
  }

  @Test
  void aCreatedDeploymentsManagerOwnsTheDefaultsItWasDecodedWith() {
    Deployment created = client().apps().deployments().inNamespace(ns).resource(Serialization.unmarshal("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec: {containers: [{name: web, image: nginx}]}
        """, Deployment.class)).create();

    assertThat(created.getSpec().getTemplate().getSpec().getContainers().get(0).getImagePullPolicy()).isEqualTo("Always");
    assertThat(created.getMetadata().getManagedFields()).hasSize(1);
    assertThat(fields(created, created.getMetadata().getManagedFields().get(0).getManager()))
        .contains("f:strategy", "f:revisionHistoryLimit", "f:progressDeadlineSeconds", "f:imagePullPolicy", "f:dnsPolicy");
  }

  @Test
  void servicesGetDistinctAddressesThatSurviveAnUpdateLeavingThemOut() {
    Service first = client().services().inNamespace(ns).resource(service("a", "ClusterIP")).create();
    Service second = client().services().inNamespace(ns).resource(service("b", "NodePort")).create();

    assertThat(first.getSpec().getClusterIP()).startsWith("10.").isNotEqualTo(second.getSpec().getClusterIP());
    assertThat(first.getSpec().getClusterIPs()).containsExactly(first.getSpec().getClusterIP());
    assertThat(first.getSpec().getIpFamilies()).containsExactly("IPv4");
    assertThat(second.getSpec().getPorts().get(0).getNodePort()).isBetween(30000, 32767);
    String creator = fields(first, first.getMetadata().getManagedFields().get(0).getManager());
    assertThat(creator).as("the creator owns the scheme defaults, not what the registry allocated")
        .contains("f:sessionAffinity", "f:internalTrafficPolicy").doesNotContain("f:clusterIP", "f:ipFamilies");

    Service put = service("a", "ClusterIP");
    put.getMetadata().setLabels(Map.of("tier", "front"));
    Service updated = client().services().inNamespace(ns).resource(put).update();

    assertThat(updated.getSpec().getClusterIP()).isEqualTo(first.getSpec().getClusterIP());
  }

  @Test
  void aServiceAskingForAnotherServicesAddressIsRefused() {
    Service first = client().services().inNamespace(ns).resource(service("a", "ClusterIP")).create();
    Service clash = service("b", "ClusterIP");
    clash.getSpec().setClusterIP(first.getSpec().getClusterIP());

    assertThatThrownBy(() -> client().services().inNamespace(ns).resource(clash).create())
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(422);
          assertThat(e.getStatus().getMessage()).endsWith("provided IP is already allocated");
        });
    assertThat(client().services().inNamespace(ns).withName("b").get()).isNull();
  }

  @Test
  void aCreatedJobsSelectorNamesItsStoredUid() {
    Job job = client().batch().v1().jobs().inNamespace(ns).resource(Serialization.unmarshal("""
        apiVersion: batch/v1
        kind: Job
        metadata: {name: pi}
        spec:
          template:
            spec:
              restartPolicy: Never
              containers: [{name: pi, image: "perl:5.34"}]
        """, Job.class)).create();

    String uid = job.getMetadata().getUid();
    assertThat(fields(job, job.getMetadata().getManagedFields().get(0).getManager())).contains("f:backoffLimit")
        .doesNotContain("f:selector", "controller-uid");
    assertThat(job.getSpec().getSelector().getMatchLabels()).containsExactly(Map.entry("batch.kubernetes.io/controller-uid", uid));
    assertThat(job.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("job-name", "pi").containsEntry("controller-uid", uid);
    assertThat(client().batch().v1().jobs().inNamespace(ns).withName("pi").get().getSpec().getSelector())
        .isEqualTo(job.getSpec().getSelector());
  }

  @Test
  void aCustomResourceDefinitionIsStoredWithItsDefaultedNames() {
    GenericKubernetesResource crd = Serialization.unmarshal("""
        apiVersion: apiextensions.k8s.io/v1
        kind: CustomResourceDefinition
        metadata: {name: gadgets.example.com}
        spec:
          group: example.com
          scope: Namespaced
          names: {kind: Gadget, plural: gadgets}
          versions:
          - name: v1
            served: true
            storage: true
            schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
        """, GenericKubernetesResource.class);
    GenericKubernetesResource storedCrd = client().resource(crd).fieldManager("verity").serverSideApply();

    assertThat(storedCrd.get("spec", "names", "listKind").toString()).isEqualTo("GadgetList");
    assertThat(storedCrd.get("spec", "names", "singular").toString()).isEqualTo("gadget");
    assertThat(storedCrd.get("spec", "conversion", "strategy").toString()).isEqualTo("None");
  }

  private static Service service(String name, String type) {
    return Serialization.unmarshal("""
        apiVersion: v1
        kind: Service
        metadata: {name: %s}
        spec: {type: %s, selector: {app: web}, ports: [{name: http, port: 80}]}
        """.formatted(name, type), Service.class);
  }

  private static String fields(io.fabric8.kubernetes.api.model.HasMetadata object, String manager) {
    return object.getMetadata().getManagedFields().stream()
        .filter(entry -> manager.equals(entry.getManager()))
        .map(ManagedFieldsEntry::getFieldsV1)
        .map(Serialization::asJson)
        .findFirst().orElseThrow(() -> new AssertionError("no managedFields entry of " + manager));
  }
}
