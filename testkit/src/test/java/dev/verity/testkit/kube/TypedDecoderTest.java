package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verity.kube.schema.ApiSchema;
import dev.verity.kube.schema.SchemaNode;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import dev.verity.kube.schema.Quantity;

/**
 * Bodies and expected problems are those of Kubernetes' {@code test/integration/apiserver/field_validation_test.go}
 * (kubernetes/kubernetes, the version stored at the time of writing: invalidBodyJSON, invalidBodyYAML and the
 * expectations of testFieldValidationPost and testFieldValidationSMP); the decoder must find the same problems in the
 * same order as the API server's strict decoder.
 */
class TypedDecoderTest {

  private static final SchemaNode DEPLOYMENT = ApiSchema.kubernetes().root("apps/v1", "Deployment").orElseThrow();

  static final String INVALID_BODY_JSON = """
      {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {
          "name": "dupename",
          "name": "test-deployment",
          "labels": {"app": "nginx"},
          "unknownMeta": "metaVal"
        },
        "spec": {
          "unknown1": "val1",
          "unknownDupe": "valDupe",
          "unknownDupe": "valDupe2",
          "paused": true,
          "paused": false,
          "selector": {"matchLabels": {"app": "nginx"}},
          "template": {
            "metadata": {"labels": {"app": "nginx"}},
            "spec": {
              "containers": [{
                "name":  "nginx",
                "image": "nginx:latest",
                "unknownNested": "val1",
                "imagePullPolicy": "Always",
                "imagePullPolicy": "Never"
              }]
            }
          }
        }
      }""";

  static final String INVALID_BODY_YAML = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: dupename
        name: test-deployment
        unknownMeta: metaVal
        labels:
          app: nginx
      spec:
        unknown1: val1
        unknownDupe: valDupe
        unknownDupe: valDupe2
        paused: true
        paused: false
        selector:
          matchLabels:
            app: nginx
        template:
          metadata:
            labels:
              app: nginx
          spec:
            containers:
            - name: nginx
              image: nginx:latest
              unknownNested: val1
              imagePullPolicy: Always
              imagePullPolicy: Never""";

  @Test
  void jsonProblemsComeInTheOrderTheStrictDecoderMeetsThem() {
    TypedDecoder.Result result = TypedDecoder.json(INVALID_BODY_JSON, DEPLOYMENT);

    assertThat(result.problems()).containsExactly(
        "duplicate field \"metadata.name\"",
        "unknown field \"metadata.unknownMeta\"",
        "unknown field \"spec.unknown1\"",
        "unknown field \"spec.unknownDupe\"",
        "duplicate field \"spec.paused\"",
        "unknown field \"spec.template.spec.containers[0].unknownNested\"",
        "duplicate field \"spec.template.spec.containers[0].imagePullPolicy\"");
    ObjectNode object = result.object();
    assertThat(object.at("/metadata/name").asText()).isEqualTo("test-deployment");
    assertThat(object.at("/metadata").has("unknownMeta")).isFalse();
    assertThat(object.at("/spec/paused").asBoolean()).isFalse();
    assertThat(object.at("/spec").has("unknown1")).isFalse();
    assertThat(object.at("/spec/template/spec/containers/0/imagePullPolicy").asText()).isEqualTo("Never");
  }

  @Test
  void yamlDuplicatesAreReportedByLineThenUnknownFieldsInKeyOrder() {
    TypedDecoder.Result result = TypedDecoder.yaml(INVALID_BODY_YAML, DEPLOYMENT);

    assertThat(result.problems()).containsExactly(
        "line 5: key \"name\" already set in map",
        "line 12: key \"unknownDupe\" already set in map",
        "line 14: key \"paused\" already set in map",
        "line 28: key \"imagePullPolicy\" already set in map",
        "unknown field \"metadata.unknownMeta\"",
        "unknown field \"spec.template.spec.containers[0].unknownNested\"",
        "unknown field \"spec.unknown1\"",
        "unknown field \"spec.unknownDupe\"");
  }

  @Test
  void aPatchBodyReportsItsDuplicatesWhateverTheirType() {
    String smpBody = """
        {"spec": {"unknown1": "val1", "unknownDupe": "valDupe", "unknownDupe": "valDupe2", "paused": true,
          "paused": false, "template": {"spec": {"containers": [{"name": "nginx", "unknownNested": "val1",
          "imagePullPolicy": "Always", "imagePullPolicy": "Never"}]}}}}""";

    assertThat(TypedDecoder.untyped(smpBody).problems()).containsExactly(
        "duplicate field \"spec.unknownDupe\"",
        "duplicate field \"spec.paused\"",
        "duplicate field \"spec.template.spec.containers[0].imagePullPolicy\"");
  }

  @Test
  void jsonPatchOperationsWithUnknownOrRepeatedFieldsAreReported() {
    String patch = """
        [{"op": "add", "path": "/spec/paused", "value": true, "foo": "bar"},
         {"op": "add", "path": "/spec/paused", "path": "/spec/paused", "value": true}]""";

    assertThat(TypedDecoder.jsonPatchProblems(patch))
        .containsExactly("json patch unknown field \"[0].foo\"", "json patch duplicate field \"[1].path\"");
  }

  @Test
  void aValueOfTheWrongTypeIsRefusedInGosWords() {
    assertThatThrownBy(() -> TypedDecoder.json("""
        {"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"}, "spec": {"replicas": "3"}}""", DEPLOYMENT))
        .hasMessage("json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32");
    assertThatThrownBy(() -> TypedDecoder.json("""
        {"spec": {"template": {"spec": {"containers": [{"name": "a", "ports": [{"containerPort": 80.5}]}]}}}}""", DEPLOYMENT))
        .hasMessage("json: cannot unmarshal number 80.5 into Go struct field ContainerPort.spec.template.spec.containers.ports.containerPort of type int32");
    assertThatThrownBy(() -> TypedDecoder.json("""
        {"spec": {"paused": "yes"}}""", DEPLOYMENT))
        .hasMessage("json: cannot unmarshal string into Go struct field DeploymentSpec.spec.paused of type bool");
    assertThatThrownBy(() -> TypedDecoder.json("""
        {"metadata": {"labels": ["a"]}}""", DEPLOYMENT))
        .hasMessage("json: cannot unmarshal array into Go struct field ObjectMeta.metadata.labels of type map[string]string");
  }

  @Test
  void quantitiesAreReadAsTheServerReadsThem() {
    String body = """
        {"spec": {"template": {"spec": {"containers": [{"name": "a", "resources": {"limits": {"cpu": "1000m", "memory": 1.5}}}]}}}}""";
    ObjectNode object = TypedDecoder.json(body, DEPLOYMENT).object();
    assertThat(object.at("/spec/template/spec/containers/0/resources/limits/cpu").asText()).isEqualTo("1");
    assertThat(object.at("/spec/template/spec/containers/0/resources/limits/memory").asText()).isEqualTo("1500m");
    assertThatThrownBy(() -> TypedDecoder.json("""
        {"spec": {"template": {"spec": {"containers": [{"name": "a", "resources": {"limits": {"cpu": "one"}}}]}}}}""", DEPLOYMENT))
        .hasMessage(Quantity.FORMAT_WRONG);
  }
}
