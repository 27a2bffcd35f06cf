package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import io.kubernetes.client.proto.IntStr;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Resource;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Networking;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Protobuf request bodies (the {@code k8s\0} envelope) read into the JSON the sandbox stores, and refused when bad. */
class ProtobufBodiesTest {

  static byte[] envelope(String apiVersion, String kind, ByteString raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(new byte[] {'k', '8', 's', 0});
    out.writeBytes(Runtime.Unknown.newBuilder()
        .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
        .setRaw(raw).setContentType("").build().toByteArray());
    return out.toByteArray();
  }

  private static JsonNode decode(byte[] body) {
    return ProtobufBodies.decode(body).object();
  }

  @Test
  void aDeploymentComesOutWithIntOrStringQuantityTimeAndMapsInTheirJsonForms() {
    V1Apps.Deployment deployment = V1Apps.Deployment.newBuilder()
        .setMetadata(Meta.ObjectMeta.newBuilder().setName("web").putLabels("app", "web"))
        .setSpec(V1Apps.DeploymentSpec.newBuilder()
            .setReplicas(3)
            .setSelector(Meta.LabelSelector.newBuilder().putMatchLabels("app", "web"))
            .setStrategy(V1Apps.DeploymentStrategy.newBuilder().setType("RollingUpdate")
                .setRollingUpdate(V1Apps.RollingUpdateDeployment.newBuilder()
                    .setMaxSurge(IntStr.IntOrString.newBuilder().setType(1).setStrVal("25%"))
                    .setMaxUnavailable(IntStr.IntOrString.newBuilder().setType(0).setIntVal(1))))
            .setTemplate(V1.PodTemplateSpec.newBuilder()
                .setMetadata(Meta.ObjectMeta.newBuilder().setCreationTimestamp(Meta.Time.newBuilder()).putLabels("app", "web"))
                .setSpec(V1.PodSpec.newBuilder().addContainers(V1.Container.newBuilder().setName("web").setImage("nginx")
                    .setResources(V1.ResourceRequirements.newBuilder()
                        .putLimits("cpu", Resource.Quantity.newBuilder().setString("500m").build()))))))
        .build();
    JsonNode json = decode(envelope("apps/v1", "Deployment", deployment.toByteString()));
    assertThat(json.path("apiVersion").asText()).isEqualTo("apps/v1");
    assertThat(json.path("kind").asText()).isEqualTo("Deployment");
    assertThat(json.path("metadata").path("labels").path("app").asText()).isEqualTo("web");
    assertThat(json.path("spec").path("replicas").asInt()).isEqualTo(3);
    JsonNode rolling = json.path("spec").path("strategy").path("rollingUpdate");
    assertThat(rolling.path("maxSurge").isTextual()).isTrue();
    assertThat(rolling.path("maxSurge").asText()).isEqualTo("25%");
    assertThat(rolling.path("maxUnavailable").isInt()).isTrue();
    assertThat(rolling.path("maxUnavailable").asInt()).isEqualTo(1);
    JsonNode template = json.path("spec").path("template");
    assertThat(template.path("metadata").has("creationTimestamp")).isTrue();
    assertThat(template.path("metadata").path("creationTimestamp").isNull()).isTrue();
    assertThat(template.path("spec").path("containers").get(0).path("resources").path("limits").path("cpu").asText())
        .isEqualTo("500m");
  }

  @Test
  void secretBytesComeOutBase64AndTimesAsRfc3339() {
    V1.Secret secret = V1.Secret.newBuilder()
        .setMetadata(Meta.ObjectMeta.newBuilder().setName("s")
            .setDeletionTimestamp(Meta.Time.newBuilder().setSeconds(1_700_000_000L)))
        .putData("password", ByteString.copyFrom("hunter2", StandardCharsets.UTF_8))
        .setType("Opaque")
        .build();
    JsonNode json = decode(envelope("v1", "Secret", secret.toByteString()));
    assertThat(json.path("data").path("password").asText()).isEqualTo("aHVudGVyMg==");
    assertThat(json.path("type").asText()).isEqualTo("Opaque");
    assertThat(json.path("metadata").path("deletionTimestamp").asText()).isEqualTo("2023-11-14T22:13:20Z");
  }

  @Test
  void rawExtensionsCarryTheirJsonAndMicroTimesTheirMicroseconds() {
    V1Apps.ControllerRevision revision = V1Apps.ControllerRevision.newBuilder()
        .setMetadata(Meta.ObjectMeta.newBuilder().setName("r"))
        .setData(Runtime.RawExtension.newBuilder().setRaw(ByteString.copyFromUtf8("{\"spec\":{\"x\":[1,2]}}")))
        .setRevision(2)
        .build();
    JsonNode json = decode(envelope("apps/v1", "ControllerRevision", revision.toByteString()));
    assertThat(json.path("data").path("spec").path("x").get(1).asInt()).isEqualTo(2);
    assertThat(json.path("revision").asLong()).isEqualTo(2);

    V1.Event event = V1.Event.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("e"))
        .setEventTime(Meta.MicroTime.newBuilder().setSeconds(1_700_000_000L).setNanos(123_456_000)).setCount(4).build();
    JsonNode eventJson = decode(envelope("v1", "Event", event.toByteString()));
    assertThat(eventJson.path("eventTime").asText()).isEqualTo("2023-11-14T22:13:20.123456Z");
    assertThat(eventJson.path("count").asInt()).isEqualTo(4);
  }

  @Test
  void goDurationsAreWrittenAsGoWritesThem() {
    assertThat(ProtobufBodies.goDuration(0)).isEqualTo("0s");
    assertThat(ProtobufBodies.goDuration(3_600_000_000_000L)).isEqualTo("1h0m0s");
    assertThat(ProtobufBodies.goDuration(90_000_000_000L)).isEqualTo("1m30s");
    assertThat(ProtobufBodies.goDuration(1_500_000_000L)).isEqualTo("1.5s");
    assertThat(ProtobufBodies.goDuration(300_000_000L)).isEqualTo("300ms");
  }

  @Test
  void aKindWithoutAPublishedMessageIs415NamingIt() {
    assertThatThrownBy(() -> decode(envelope("coordination.k8s.io/v1", "Lease", ByteString.EMPTY)))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(415);
          assertThat(e.getMessage()).contains("kind Lease (coordination.k8s.io/v1)").contains("send it as application/json");
        });
    assertThatThrownBy(() -> decode(envelope("example.com/v1", "Widget", ByteString.EMPTY)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(415));
  }

  @Test
  void truncatedEnvelopesAndGarbageAre400NamingTheDecodeError() {
    byte[] whole = envelope("v1", "ConfigMap", V1.ConfigMap.newBuilder()
        .setMetadata(Meta.ObjectMeta.newBuilder().setName("cm")).putData("a", "b").build().toByteString());
    assertThatThrownBy(() -> decode(Arrays.copyOf(whole, whole.length - 3)))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.getMessage()).contains("could not be decoded");
        });
    assertThatThrownBy(() -> decode("{\"kind\":\"ConfigMap\"}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.getMessage()).contains("does not start with the Kubernetes envelope prefix");
        });
    assertThatThrownBy(() -> decode(envelope("v1", "ConfigMap", ByteString.copyFrom(new byte[] {(byte) 0xff, (byte) 0xff, 0x01}))))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(400);
          assertThat(e.getMessage()).contains("ConfigMap (v1) could not be decoded");
        });
    assertThatThrownBy(() -> decode(envelope("", "", ByteString.EMPTY)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.getMessage()).contains("names no apiVersion and kind"));
  }

  @Test
  void inlineEmbeddedStructsComeOutAsTheirParentsFields() {
    V1Networking.Ingress ingress = V1Networking.Ingress.newBuilder()
        .setMetadata(Meta.ObjectMeta.newBuilder().setName("web"))
        .setSpec(V1Networking.IngressSpec.newBuilder().addRules(V1Networking.IngressRule.newBuilder().setHost("a.example.com")
            .setIngressRuleValue(V1Networking.IngressRuleValue.newBuilder().setHttp(V1Networking.HTTPIngressRuleValue.newBuilder()
                .addPaths(V1Networking.HTTPIngressPath.newBuilder().setPath("/").setPathType("Prefix"))))))
        .build();
    JsonNode rule = decode(envelope("networking.k8s.io/v1", "Ingress", ingress.toByteString())).path("spec").path("rules").get(0);
    assertThat(rule.path("host").asText()).isEqualTo("a.example.com");
    assertThat(rule.path("http").path("paths").get(0).path("pathType").asText()).isEqualTo("Prefix");
    assertThat(rule.has("ingressRuleValue")).isFalse();

    V1.Pod pod = V1.Pod.newBuilder().setMetadata(Meta.ObjectMeta.newBuilder().setName("p"))
        .setSpec(V1.PodSpec.newBuilder()
            .addVolumes(V1.Volume.newBuilder().setName("cfg").setVolumeSource(V1.VolumeSource.newBuilder()
                .setConfigMap(V1.ConfigMapVolumeSource.newBuilder().setLocalObjectReference(
                    V1.LocalObjectReference.newBuilder().setName("settings")))))
            .addContainers(V1.Container.newBuilder().setName("c").setReadinessProbe(V1.Probe.newBuilder()
                .setHandler(V1.ProbeHandler.newBuilder().setHttpGet(V1.HTTPGetAction.newBuilder().setPath("/ready")))
                .setPeriodSeconds(5))))
        .build();
    JsonNode spec = decode(envelope("v1", "Pod", pod.toByteString())).path("spec");
    assertThat(spec.path("volumes").get(0).path("configMap").path("name").asText()).isEqualTo("settings");
    assertThat(spec.path("volumes").get(0).has("volumeSource")).isFalse();
    JsonNode probe = spec.path("containers").get(0).path("readinessProbe");
    assertThat(probe.path("httpGet").path("path").asText()).isEqualTo("/ready");
    assertThat(probe.path("periodSeconds").asInt()).isEqualTo(5);
  }
}
