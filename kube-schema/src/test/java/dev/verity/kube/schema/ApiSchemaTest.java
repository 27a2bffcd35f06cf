package dev.verity.kube.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Facts anyone can check in the published Kubernetes 1.32 API (the OpenAPI document, {@code kubectl explain}, the
 * API reference), read back from the generated table.
 */
class ApiSchemaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final ApiSchema k8s = ApiSchema.kubernetes();

    private SchemaNode deployment() {
        return k8s.root("apps/v1", "Deployment").orElseThrow();
    }

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    @Test
    void containersAreAListMapKeyedByName() {
        SchemaNode containers = deployment().at("spec.template.spec.containers").orElseThrow();
        assertThat(containers.shape()).isEqualTo(Shape.LIST);
        assertThat(containers.listType()).isEqualTo(ListType.MAP);
        assertThat(containers.listMapKeys()).containsExactly("name");
        assertThat(k8s.root("v1", "Pod").orElseThrow().at("spec.initContainers").orElseThrow().listMapKeys())
                .containsExactly("name");
    }

    @Test
    void containerPortsAreKeyedByContainerPortAndProtocolWhichDefaultsToTcp() {
        SchemaNode ports = deployment().at("spec.template.spec.containers.ports").orElseThrow();
        assertThat(ports.listType()).isEqualTo(ListType.MAP);
        assertThat(ports.listMapKeys()).containsExactly("containerPort", "protocol");
        Field protocol = ports.items().orElseThrow().field("protocol").orElseThrow();
        assertThat(protocol.defaultValue()).contains(TextNode.valueOf("TCP"));
    }

    @Test
    void servicePortsAreKeyedByPortAndProtocol() {
        Field ports = k8s.root("v1", "Service").orElseThrow().fieldAt("spec.ports").orElseThrow();
        assertThat(ports.listType()).isEqualTo(ListType.MAP);
        assertThat(ports.listMapKeys()).containsExactly("port", "protocol");
        assertThat(ports.patchStrategy()).contains("merge");
        assertThat(ports.patchMergeKey()).contains("port");
    }

    @Test
    void envIsKeyedByNameAndAnEmptyValueIsDropped() {
        Field env = deployment().fieldAt("spec.template.spec.containers[name=web].env").orElseThrow();
        assertThat(env.listMapKeys()).containsExactly("name");
        Field value = env.type().items().orElseThrow().field("value").orElseThrow();
        assertThat(value.omitEmpty()).isTrue();
        assertThat(value.pointer()).isFalse();
        assertThat(value.type().scalarType()).contains(ScalarType.STRING);
        assertThat(value.dropsZeroValue()).isTrue();
        assertThat(value.writtenWhenZero()).isEmpty();
    }

    @Test
    void replicasIsAnOptionalPointerToInt32ThatRefusesAString() {
        Field replicas = deployment().fieldAt("spec.replicas").orElseThrow();
        assertThat(replicas.pointer()).isTrue();
        assertThat(replicas.required()).isFalse();
        assertThat(replicas.type().scalarType()).contains(ScalarType.INTEGER);
        assertThat(replicas.type().format()).contains("int32");
        assertThat(replicas.accepts(json("3"))).isTrue();
        assertThat(replicas.accepts(json("\"3\""))).isFalse();
        assertThat(replicas.accepts(json("3.5"))).isFalse();
        assertThat(replicas.accepts(json("4294967296"))).isFalse();
        assertThat(replicas.accepts(json("3.0"))).isTrue();
        Field generation = deployment().fieldAt("metadata.generation").orElseThrow();
        assertThat(generation.accepts(json("4294967296"))).isTrue();
        assertThat(generation.accepts(json("92233720368547758070"))).isFalse();
        // a pointer keeps an explicit 0: replicas: 0 scales to zero, it is not dropped
        assertThat(replicas.dropsZeroValue()).isFalse();
    }

    @Test
    void finalizersAreASetIn132() {
        Field finalizers = deployment().fieldAt("metadata.finalizers").orElseThrow();
        assertThat(finalizers.listType()).isEqualTo(ListType.SET);
        assertThat(finalizers.type().items().orElseThrow().scalarType()).contains(ScalarType.STRING);
    }

    @Test
    void ownerReferencesAreKeyedByUid() {
        assertThat(deployment().at("metadata.ownerReferences").orElseThrow().listMapKeys()).containsExactly("uid");
    }

    @Test
    void podSpecContainersAreRequiredAndLabelSelectorsAtomic() {
        SchemaNode podSpec = k8s.type("io.k8s.api.core.v1.PodSpec").orElseThrow();
        assertThat(podSpec.field("containers").orElseThrow().required()).isTrue();
        assertThat(podSpec.field("volumes").orElseThrow().required()).isFalse();
        assertThat(deployment().fieldAt("spec.selector").orElseThrow().mapType()).isEqualTo(MapType.ATOMIC);
        assertThat(podSpec.field("nodeSelector").orElseThrow().mapType()).isEqualTo(MapType.ATOMIC);
        assertThat(deployment().fieldAt("metadata.labels").orElseThrow().mapType()).isEqualTo(MapType.GRANULAR);
        // ObjectReference is atomic, but a PersistentVolume's claimRef says granular
        assertThat(k8s.type("io.k8s.api.core.v1.ObjectReference").orElseThrow().mapType()).isEqualTo(MapType.ATOMIC);
        assertThat(k8s.root("v1", "PersistentVolume").orElseThrow().fieldAt("spec.claimRef").orElseThrow().mapType())
                .isEqualTo(MapType.GRANULAR);
    }

    @Test
    void unknownFieldsAreTold() {
        SchemaNode spec = deployment().at("spec").orElseThrow();
        assertThat(spec.knowsField("replicas")).isTrue();
        assertThat(spec.knowsField("replica")).isFalse();
        assertThat(deployment().knowsField("status")).isTrue();
        // map keys are free
        assertThat(k8s.root("v1", "ConfigMap").orElseThrow().at("data").orElseThrow().knowsField("anything")).isTrue();
        assertThat(k8s.root("v1", "ConfigMap").orElseThrow().knowsField("spec")).isFalse();
    }

    @Test
    void scalarKindsOfTheSpecialGoTypes() {
        SchemaNode pod = k8s.root("v1", "Pod").orElseThrow();
        SchemaNode limits = pod.at("spec.containers.resources.limits").orElseThrow();
        assertThat(limits.shape()).isEqualTo(Shape.MAP);
        SchemaNode quantity = limits.values().orElseThrow();
        assertThat(quantity.scalarType()).contains(ScalarType.QUANTITY);
        assertThat(quantity.accepts(json("\"500m\""))).isTrue();
        assertThat(quantity.accepts(json("1"))).isTrue();
        assertThat(quantity.accepts(json("\"lots\""))).isFalse();
        SchemaNode targetPort = k8s.root("v1", "Service").orElseThrow().at("spec.ports.targetPort").orElseThrow();
        assertThat(targetPort.scalarType()).contains(ScalarType.INT_OR_STRING);
        assertThat(targetPort.accepts(json("8080"))).isTrue();
        assertThat(targetPort.accepts(json("\"http\""))).isTrue();
        assertThat(targetPort.accepts(json("true"))).isFalse();
        assertThat(pod.at("metadata.creationTimestamp").orElseThrow().format()).contains("date-time");
        assertThat(pod.at("metadata.uid").orElseThrow().scalarType()).contains(ScalarType.STRING);
        SchemaNode secretData = k8s.root("v1", "Secret").orElseThrow().at("data").orElseThrow();
        assertThat(secretData.values().orElseThrow().format()).contains("byte");
        assertThat(k8s.root("apps/v1", "ControllerRevision").orElseThrow().at("data").orElseThrow().shape())
                .isEqualTo(Shape.ANY);
    }

    @Test
    void zeroValuesAsGoWritesThem() {
        // a struct is never omitted: a template without metadata comes back with creationTimestamp: null
        Field template = deployment().fieldAt("spec.template").orElseThrow();
        assertThat(template.writtenWhenZero()).contains(json(
                "{\"metadata\":{\"creationTimestamp\":null},\"spec\":{\"containers\":null}}"));
        Field creationTimestamp = deployment().fieldAt("metadata.creationTimestamp").orElseThrow();
        assertThat(creationTimestamp.omitEmpty()).isTrue();
        assertThat(creationTimestamp.dropsZeroValue()).isFalse();
        assertThat(creationTimestamp.writtenWhenZero()).contains(NullNode.getInstance());
        // a non-omitempty scalar comes back as its zero value
        Field containerPort = deployment().fieldAt("spec.template.spec.containers.ports.containerPort").orElseThrow();
        assertThat(containerPort.writtenWhenZero()).contains(IntNode.valueOf(0));
        // an omitempty IntOrString is a Go struct: a zero targetPort is written as 0
        assertThat(k8s.root("v1", "Service").orElseThrow().fieldAt("spec.ports.targetPort").orElseThrow().dropsZeroValue())
                .isFalse();
    }

    @Test
    void everyKindOfTheGroupsCoveredHasARootWithMetadata() {
        assertThat(k8s.kinds()).contains("v1/Pod", "v1/Service", "v1/ConfigMap", "v1/Secret", "v1/Namespace",
                "apps/v1/Deployment", "apps/v1/StatefulSet", "batch/v1/Job", "batch/v1/CronJob",
                "networking.k8s.io/v1/Ingress", "networking.k8s.io/v1/NetworkPolicy",
                "rbac.authorization.k8s.io/v1/ClusterRole", "policy/v1/PodDisruptionBudget",
                "autoscaling/v1/HorizontalPodAutoscaler", "autoscaling/v2/HorizontalPodAutoscaler",
                "coordination.k8s.io/v1/Lease", "storage.k8s.io/v1/StorageClass", "discovery.k8s.io/v1/EndpointSlice",
                "scheduling.k8s.io/v1/PriorityClass", "apiextensions.k8s.io/v1/CustomResourceDefinition");
        assertThat(k8s.kinds()).doesNotContain("v1/PodList", "apps/v1/DeploymentList", "v1/PodLogOptions");
        for (String kind : k8s.kinds()) {
            int slash = kind.lastIndexOf('/');
            SchemaNode root = k8s.root(kind.substring(0, slash), kind.substring(slash + 1)).orElseThrow();
            assertThat(root.field("metadata").orElseThrow().type().typeName())
                    .as(kind).contains("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
            assertThat(root.knowsField("apiVersion")).as(kind).isTrue();
        }
        assertThat(k8s.root("apps/v1", "Deploymnet")).isEmpty();
    }

    @Test
    void headerNamesTheSourcesAndCommits() {
        Header header = k8s.header();
        assertThat(header.kubernetes()).isEqualTo("1.32");
        assertThat(header.sources()).extracting(Header.Source::repository).containsExactly(
                "github.com/kubernetes/api", "github.com/kubernetes/apimachinery",
                "github.com/kubernetes/apiextensions-apiserver");
        assertThat(header.sources()).allSatisfy(s -> {
            assertThat(s.tag()).isEqualTo("v0.32.0");
            assertThat(s.commit()).matches("[0-9a-f]{40}");
        });
        assertThat(header.sources().get(0).commit()).isEqualTo("e622342ab4abd51157f8fd650186575bab46777c");
        assertThat(header.sources().get(0).packages()).contains("core/v1", "apps/v1");
    }

    @Test
    void customResourceFromItsStructuralSchema() {
        SchemaNode widget = ApiSchema.fromStructural(json("""
                {"type": "object",
                 "properties": {
                   "spec": {"type": "object", "required": ["size"],
                     "properties": {
                       "size": {"type": "integer", "default": 1},
                       "port": {"x-kubernetes-int-or-string": true, "anyOf": [{"type": "integer"}, {"type": "string"}]},
                       "tags": {"type": "array", "items": {"type": "string"}, "x-kubernetes-list-type": "set"},
                       "backends": {"type": "array", "x-kubernetes-list-type": "map",
                         "x-kubernetes-list-map-keys": ["host", "port"],
                         "items": {"type": "object", "properties": {"host": {"type": "string"}, "port": {"type": "integer"}}}},
                       "labels": {"type": "object", "additionalProperties": {"type": "string"},
                         "x-kubernetes-map-type": "atomic"},
                       "config": {"type": "object", "x-kubernetes-preserve-unknown-fields": true},
                       "template": {"type": "object", "x-kubernetes-embedded-resource": true,
                         "properties": {"spec": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}},
                   "status": {"type": "object", "properties": {"ready": {"type": "boolean"}}}}}
                """));
        assertThat(widget.knowsField("apiVersion")).isTrue();
        assertThat(widget.at("metadata.ownerReferences").orElseThrow().listMapKeys()).containsExactly("uid");
        SchemaNode spec = widget.at("spec").orElseThrow();
        assertThat(spec.knowsField("size")).isTrue();
        assertThat(spec.knowsField("colour")).isFalse();
        Field size = spec.field("size").orElseThrow();
        assertThat(size.required()).isTrue();
        assertThat(size.defaultValue()).contains(IntNode.valueOf(1));
        assertThat(size.accepts(json("\"3\""))).isFalse();
        assertThat(size.dropsZeroValue()).isFalse();
        assertThat(size.writtenWhenZero()).isEmpty();
        assertThat(spec.at("port").orElseThrow().scalarType()).contains(ScalarType.INT_OR_STRING);
        assertThat(spec.at("tags").orElseThrow().listType()).isEqualTo(ListType.SET);
        assertThat(spec.at("backends").orElseThrow().listMapKeys()).containsExactly("host", "port");
        assertThat(spec.at("labels").orElseThrow().shape()).isEqualTo(Shape.MAP);
        assertThat(spec.at("labels").orElseThrow().mapType()).isEqualTo(MapType.ATOMIC);
        assertThat(spec.at("config").orElseThrow().knowsField("anything")).isTrue();
        SchemaNode template = spec.at("template").orElseThrow();
        assertThat(template.knowsField("kind")).isTrue();
        assertThat(template.at("metadata.labels").orElseThrow().shape()).isEqualTo(Shape.MAP);
        assertThat(template.knowsField("spec")).isTrue();
        assertThat(template.knowsField("other")).isFalse();
        assertThat(widget.at("status.ready").orElseThrow().scalarType()).contains(ScalarType.BOOLEAN);
    }

    @Test
    void aStructuralSchemaThatIsNotAnObjectIsRefusedWithTheReason() {
        assertThatThrownBy(() -> ApiSchema.fromStructural(json("{\"type\": \"string\"}")))
                .hasMessageContaining("openAPIV3Schema").hasMessageContaining("type: object");
        assertThatThrownBy(() -> ApiSchema.fromStructural(json(
                "{\"type\":\"object\",\"properties\":{\"l\":{\"type\":\"array\",\"x-kubernetes-list-type\":\"map\",\"items\":{\"type\":\"object\"}}}}")))
                .hasMessageContaining("openAPIV3Schema.properties.l").hasMessageContaining("x-kubernetes-list-map-keys");
    }

    @Test
    void curatedDefaultsAndImmutableFieldsAreRead() {
        ApiSchema table = ApiSchema.load("/curation-fixture-table.json");
        SchemaNode deployment = table.root("apps/v1", "Deployment").orElseThrow();
        Field limit = deployment.fieldAt("spec.revisionHistoryLimit").orElseThrow();
        assertThat(limit.defaultValue()).contains(IntNode.valueOf(10));
        assertThat(limit.defaultSource()).hasValueSatisfying(s -> assertThat(s).contains("defaults.go"));
        Field strategy = deployment.fieldAt("spec.strategy").orElseThrow();
        assertThat(strategy.defaultRule()).hasValueSatisfying(r -> assertThat(r.name()).isEqualTo("deploymentStrategy"));
        assertThat(table.immutableFields("apps/v1", "Deployment")).isEmpty();
        List<ImmutableField> selector = table.immutableAt("apps/v1", "StatefulSet", "spec.selector");
        assertThat(selector).singleElement().satisfies(f -> {
            assertThat(f.message()).isEqualTo("field is immutable");
            assertThat(f.when()).isEmpty();
            assertThat(f.errorType()).contains("Invalid");
            assertThat(f.errorField()).contains("spec");
            assertThat(f.printedValue()).contains("v1.LabelSelector{...}");
        });
        assertThat(table.header().curated()).extracting(Header.Curated::file)
                .containsExactly("kube-schema/sources/defaults.yaml", "kube-schema/sources/immutable.yaml");
    }
}
