package dev.verity.kube.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.verity.events.IgnoreDifference;
import dev.verity.kube.diff.FieldDifference.Change;
import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.List;

import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DriftComparatorTest {

    /** Differences compared on path and change, not on the values they show. */
    static final Comparator<FieldDifference> PATH_AND_CHANGE =
            Comparator.comparing(FieldDifference::path).thenComparing(FieldDifference::change);

    private static final YAMLMapper YAML = new YAMLMapper();
    private final DriftComparator comparator = new DriftComparator();

    static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: shop-prod
              labels: {app: web, app.kubernetes.io/part-of: shop}
              annotations: {example.com/owner: team-a}
            spec:
              replicas: 3
              selector: {matchLabels: {app: web}}
              template:
                metadata:
                  creationTimestamp: null
                  labels: {app: web}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                    args: [--port, "8080"]
                    ports:
                    - containerPort: 8080
                    env:
                    - {name: LOG_LEVEL, value: info}
                    resources:
                      limits: {cpu: 1, memory: 1024Mi}
                      requests: {cpu: 0.5}
                    securityContext: {}
                    volumeMounts:
                    - {name: cache, mountPath: /cache}
                  volumes:
                  - name: cache
                    emptyDir: {}
                  tolerations:
                  - {key: dedicated, value: shop, effect: NoSchedule}
            status: {}
            """;

    /** The same Deployment as the API server returns it after Verity applied it and controllers ran. */
    static final String LIVE_DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: shop-prod
              uid: 0b6c3d52-2f1c-4c63-9a1e-2d3f1f0c9d10
              resourceVersion: "4711"
              generation: 2
              creationTimestamp: "2026-11-25T10:00:00Z"
              labels: {app: web, app.kubernetes.io/part-of: shop}
              annotations:
                example.com/owner: team-a
                verity.dev/target: local/shop/prod
                deployment.kubernetes.io/revision: "1"
              managedFields:
              - {manager: verity, operation: Apply, apiVersion: apps/v1, fieldsType: FieldsV1}
            spec:
              replicas: 3
              revisionHistoryLimit: 10
              progressDeadlineSeconds: 600
              selector: {matchLabels: {app: web}}
              strategy:
                type: RollingUpdate
                rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: istio-proxy
                    image: istio/proxyv2:1.24
                  - name: web
                    image: nginx:1.27
                    imagePullPolicy: IfNotPresent
                    args: [--port, "8080"]
                    ports:
                    - {containerPort: 8080, protocol: TCP}
                    env:
                    - {name: INJECTED, value: "yes"}
                    - {name: LOG_LEVEL, value: info}
                    resources:
                      limits: {cpu: "1", memory: 1Gi}
                      requests: {cpu: 500m}
                    terminationMessagePath: /dev/termination-log
                    volumeMounts:
                    - {name: cache, mountPath: /cache}
                  volumes:
                  - name: cache
                    emptyDir: {}
                  tolerations:
                  - {key: dedicated, operator: Equal, value: shop, effect: NoSchedule}
                  restartPolicy: Always
                  dnsPolicy: ClusterFirst
            status:
              replicas: 3
              readyReplicas: 3
            """;

    @Test
    void liveObjectWithServerDefaultsAndOtherManagersFieldsMatches() {
        Comparison result = compare(DEPLOYMENT, LIVE_DEPLOYMENT);

        assertThat(result.matches()).as(result.differences().toString()).isTrue();
        assertThat(result.paths()).isEmpty();
    }

    @Test
    void theExampleShopDeploymentAsKustomizeRendersItMatchesItsAppliedSelf() {
        String rendered = """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  labels: {app.kubernetes.io/name: shop, app.kubernetes.io/part-of: verity-example}
                  name: web
                  namespace: shop-prod
                spec:
                  replicas: 3
                  selector:
                    matchLabels: {app.kubernetes.io/name: shop, app.kubernetes.io/part-of: verity-example}
                  template:
                    metadata:
                      labels: {app.kubernetes.io/name: shop, app.kubernetes.io/part-of: verity-example}
                    spec:
                      containers:
                      - envFrom:
                        - configMapRef: {name: shop-config-hkcffcccgk}
                        image: nginx:1.27.3
                        name: web
                        ports:
                        - {containerPort: 8080, protocol: TCP}
                        resources:
                          requests: {cpu: 50m, memory: 64Mi}
                """;
        String live = rendered.replace("  namespace: shop-prod\n", """
                  namespace: shop-prod
                  annotations: {verity.dev/target: local/shop/prod}
                  resourceVersion: "12"
                  generation: 1
                  managedFields: [{manager: verity, operation: Apply}]
                """).replace("        - configMapRef: {name: shop-config-hkcffcccgk}\n", """
                        - configMapRef: {name: shop-config-hkcffcccgk}
                        imagePullPolicy: IfNotPresent
                        terminationMessagePolicy: File
                """) + "status: {replicas: 3, readyReplicas: 3}\n";

        assertThat(compare(rendered, live).matches()).as(compare(rendered, live).toString()).isTrue();
        assertThat(compare(rendered, live.replace("replicas: 3\n  selector", "replicas: 1\n  selector")).paths())
                .containsExactly("spec.replicas");
        assertThat(compare(rendered, live.replace("{name: shop-config-hkcffcccgk}", "{name: shop-config-old}")).paths())
                .containsExactly("spec.template.spec.containers[name=web].envFrom");
    }

    @Test
    void changedReplicasIsReportedByPath() {
        Comparison result = compare(DEPLOYMENT, live(l -> spec(l).put("replicas", 5)));

        assertThat(result.differences()).usingElementComparator(PATH_AND_CHANGE).containsExactly(new FieldDifference("spec.replicas", Change.CHANGED));
    }

    @Test
    void replicasAnAutoscalerHoldsAreNotDrift() {
        String scaledByHpa = live(l -> {
            spec(l).put("replicas", 5);
            ObjectNode entry = ((ObjectNode) l.get("metadata")).putArray("managedFields").addObject();
            entry.put("manager", "kube-controller-manager").put("operation", "Update").put("subresource", "scale")
                    .put("apiVersion", "apps/v1").put("fieldsType", "FieldsV1");
            entry.putObject("fieldsV1").putObject("f:spec").putObject("f:replicas");
        });

        assertThat(compare(DEPLOYMENT, scaledByHpa).matches()).as(compare(DEPLOYMENT, scaledByHpa).toString()).isTrue();
        assertThat(compare(DEPLOYMENT, scaledByHpa.replace("kube-controller-manager", "kubectl-scale")).paths())
                .containsExactly("spec.replicas");
        assertThat(new DriftComparator(dev.verity.kube.schema.ApiSchema.kubernetes(), dev.verity.kube.AllowedWriters.NONE)
                .compare(DesiredObject.parse(DEPLOYMENT, 1).content(), readYaml(scaledByHpa)).paths())
                .containsExactly("spec.replicas");
    }

    private static JsonNode readYaml(String yaml) {
        try {
            return YAML.readTree(yaml);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void containersAreMatchedByNameNotPosition() {
        Comparison result = compare(DEPLOYMENT, live(l -> container(l, 1).put("image", "nginx:1.28")));

        assertThat(result.paths()).containsExactly("spec.template.spec.containers[name=web].image");
    }

    @Test
    void aContainerGoneFromTheLiveObjectIsMissing() {
        Comparison result = compare(DEPLOYMENT, live(l -> podSpec(l).withArray("containers").remove(1)));

        assertThat(result.differences()).usingElementComparator(PATH_AND_CHANGE).containsExactly(
                new FieldDifference("spec.template.spec.containers[name=web]", Change.MISSING));
    }

    @Test
    void envVarsAreMatchedByName() {
        Comparison result = compare(DEPLOYMENT,
                live(l -> ((ObjectNode) container(l, 1).withArray("env").get(1)).put("value", "debug")));

        assertThat(result.paths()).containsExactly("spec.template.spec.containers[name=web].env[name=LOG_LEVEL].value");
    }

    @Test
    void containerPortsAreKeyedByPortAndProtocolWithProtocolDefaultingToTcp() {
        Comparison result = compare(DEPLOYMENT,
                live(l -> ((ObjectNode) container(l, 1).withArray("ports").get(0)).put("containerPort", 9090)));

        assertThat(result.differences()).usingElementComparator(PATH_AND_CHANGE).containsExactly(new FieldDifference(
                "spec.template.spec.containers[name=web].ports[containerPort=8080,protocol=TCP]", Change.MISSING));
    }

    @Test
    void volumeMountsAreKeyedByMountPath() {
        Comparison result = compare(DEPLOYMENT,
                live(l -> ((ObjectNode) container(l, 1).withArray("volumeMounts").get(0)).put("name", "other")));

        assertThat(result.paths())
                .containsExactly("spec.template.spec.containers[name=web].volumeMounts[mountPath=/cache].name");
    }

    @Test
    void removedLabelIsMissingAndKeysThatAreNotIdentifiersAreQuoted() {
        Comparison result = compare(DEPLOYMENT, live(l -> {
            ObjectNode metadata = (ObjectNode) l.get("metadata");
            ((ObjectNode) metadata.get("labels")).remove("app.kubernetes.io/part-of");
            ((ObjectNode) metadata.get("annotations")).put("example.com/owner", "team-b");
        }));

        assertThat(result.differences()).usingElementComparator(PATH_AND_CHANGE).containsExactly(
                new FieldDifference("metadata.annotations[\"example.com/owner\"]", Change.CHANGED),
                new FieldDifference("metadata.labels[\"app.kubernetes.io/part-of\"]", Change.MISSING));
    }

    @Test
    void serverPopulatedMetadataStatusAndVerityAnnotationsAreIgnored() {
        String desired = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: settings
                  namespace: shop-prod
                  resourceVersion: "1"
                  uid: stale
                  generation: 7
                  creationTimestamp: "2020-01-01T00:00:00Z"
                  managedFields: [{manager: someone}]
                  annotations: {verity.dev/target: local/shop/dev, verity.dev/digest: "sha256:0"}
                data: {mode: fast}
                status: {phase: whatever}
                """;
        String live = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: settings
                  namespace: shop-prod
                  resourceVersion: "99"
                  uid: 1234
                  annotations: {verity.dev/target: local/shop/prod}
                data: {mode: fast, extra: added-by-hand}
                """;

        assertThat(compare(desired, live).matches()).isTrue();
    }

    @Test
    void quantitiesCompareByAmountWhereTheServerCanonicalisesThem() {
        assertThat(compare(DEPLOYMENT, live(l -> {
            ObjectNode resources = (ObjectNode) container(l, 1).get("resources");
            ((ObjectNode) resources.get("limits")).put("cpu", "1000m");
            ((ObjectNode) resources.get("requests")).put("cpu", "0.5");
        })).matches()).isTrue();

        Comparison changed = compare(DEPLOYMENT, live(l -> {
            ObjectNode resources = (ObjectNode) container(l, 1).get("resources");
            ((ObjectNode) resources.get("limits")).put("cpu", "2");
            ((ObjectNode) resources.get("limits")).put("memory", "1G");
        }));
        assertThat(changed.paths()).containsExactly(
                "spec.template.spec.containers[name=web].resources.limits.cpu",
                "spec.template.spec.containers[name=web].resources.limits.memory");
    }

    @Test
    void quantitiesAreKnownByTheirTypeInTheApiTable() {
        String desired = """
                apiVersion: v1
                kind: LimitRange
                metadata: {name: limits}
                spec:
                  limits:
                  - type: Container
                    default: {cpu: 1, memory: 1Gi}
                """;
        String live = """
                apiVersion: v1
                kind: LimitRange
                metadata: {name: limits}
                spec:
                  limits:
                  - type: Container
                    default: {cpu: "1", memory: 1024Mi}
                    defaultRequest: {cpu: "1", memory: 1Gi}
                """;
        assertThat(compare(desired, live).matches()).isTrue();
        assertThat(compare(desired, live.replace("memory: 1024Mi", "memory: 1G")).paths())
                .containsExactly("spec.limits");
    }

    @Test
    void anIntegerAndAStringDifferOutsideQuantities() {
        String desired = """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop-prod}
                spec:
                  ports:
                  - {port: 80, targetPort: "8080"}
                """;
        String live = """
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: shop-prod}
                spec:
                  clusterIP: 10.0.0.12
                  type: ClusterIP
                  ports:
                  - {name: metrics, port: 9090, protocol: TCP, targetPort: 9090}
                  - {port: 80, protocol: TCP, targetPort: 8080}
                """;

        assertThat(compare(desired, live).paths()).containsExactly("spec.ports[port=80,protocol=TCP].targetPort");
        assertThat(compare(desired, live.replace("targetPort: 8080", "targetPort: \"8080\"")).matches()).isTrue();
    }

    @Test
    void listKeysComeFromTheKindAndPathInTheApiTable() {
        // metadata.ownerReferences is a list map keyed by uid: another owner added live is not drift
        String desired = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: a
                  ownerReferences:
                  - {apiVersion: v1, kind: ConfigMap, name: parent, uid: u-1}
                """;
        String live = """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: a
                  ownerReferences:
                  - {apiVersion: apps/v1, kind: Deployment, name: other, uid: u-2}
                  - {apiVersion: v1, kind: ConfigMap, name: parent, uid: u-1}
                """;
        assertThat(compare(desired, live).matches()).isTrue();
        assertThat(compare(desired, live.replace("name: parent", "name: renamed")).paths())
                .containsExactly("metadata.ownerReferences[uid=u-1].name");

        // the same field name in a kind the table does not hold is compared as a whole
        String custom = """
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w}
                spec:
                  containers:
                  - {name: a}
                  - {name: b}
                """;
        assertThat(compare(custom, custom.replace("name: a}", "name: x}").replace("name: b}", "name: a}")
                .replace("name: x}", "name: b}")).paths()).containsExactly("spec.containers");
    }

    @Test
    void numbersCompareByValue() {
        String desired = "{apiVersion: v1, kind: ConfigMap, metadata: {name: a}, spec: {ratio: 1}}";
        assertThat(compare(desired, "{apiVersion: v1, kind: ConfigMap, metadata: {name: a}, spec: {ratio: 1.0}}")
                .matches()).isTrue();
        assertThat(compare(desired, "{apiVersion: v1, kind: ConfigMap, metadata: {name: a}, spec: {ratio: 1.5}}")
                .paths()).containsExactly("spec.ratio");
    }

    @Test
    void otherListsAreComparedAsWholes() {
        assertThat(compare(DEPLOYMENT, live(l -> {
            var args = container(l, 1).withArray("args");
            args.removeAll();
            args.add("8080").add("--port");
        })).differences()).usingElementComparator(PATH_AND_CHANGE).containsExactly(
                new FieldDifference("spec.template.spec.containers[name=web].args", Change.CHANGED));

        assertThat(compare(DEPLOYMENT, live(l -> podSpec(l).withArray("tolerations").addObject().put("key", "extra")))
                .paths()).containsExactly("spec.template.spec.tolerations");

        assertThat(compare(DEPLOYMENT,
                live(l -> ((ObjectNode) podSpec(l).withArray("tolerations").get(0)).put("value", "other")))
                .paths()).containsExactly("spec.template.spec.tolerations");
    }

    @Test
    void aValueOfAnotherShapeIsChanged() {
        Comparison result = compare(DEPLOYMENT, live(l -> {
            spec(l).put("selector", "app=web");
            podSpec(l).put("volumes", "none");
        }));

        assertThat(result.differences()).usingElementComparator(PATH_AND_CHANGE).containsExactly(
                new FieldDifference("spec.selector", Change.CHANGED),
                new FieldDifference("spec.template.spec.volumes", Change.CHANGED));
    }

    @Test
    void nullsSetNothingAndEmptyValuesMatchAnAbsentField() {
        String desired = """
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: a, labels: {}}
                data: {kept: "x", dropped: null}
                binaryData: {}
                """;
        assertThat(compare(desired, "{apiVersion: v1, kind: ConfigMap, metadata: {name: a}, data: {kept: x}}")
                .matches()).isTrue();
        assertThat(compare(desired, "{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}").differences()).usingElementComparator(PATH_AND_CHANGE)
                .containsExactly(new FieldDifference("data", Change.MISSING));
    }

    @Test
    void secretDifferencesNameTheKeyButCarryNoValue() {
        String desired = """
                apiVersion: v1
                kind: Secret
                metadata: {name: db, namespace: shop-prod}
                type: Opaque
                data: {password: czNjcjN0LXBhc3N3b3Jk, user: YWRtaW4=}
                """;
        String live = """
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"shop-prod"},"type":"Opaque",
                 "data":{"password":"aHVudGVyMi1sZWFrZWQ=","user":"YWRtaW4="}}
                """;

        Comparison result = comparator.compare(DesiredObject.parse(desired, 1), live);

        assertThat(result.differences()).usingElementComparator(PATH_AND_CHANGE).containsExactly(new FieldDifference("data.password", Change.CHANGED));
        assertThat(result.toString()).doesNotContain("czNjcjN0", "aHVudGVy", "s3cr3t", "hunter2");
    }

    @Test
    void secretStringDataIsComparedAsTheDataTheServerStores() {
        String desired = """
                apiVersion: v1
                kind: Secret
                metadata: {name: db}
                stringData: {password: s3cr3t, tls.crt: cert}
                """;
        String live = """
                apiVersion: v1
                kind: Secret
                metadata: {name: db}
                type: Opaque
                data: {password: czNjcjN0, tls.crt: Y2VydA==}
                """;

        assertThat(compare(desired, live).matches()).isTrue();
        assertThat(compare(desired, live.replace("czNjcjN0", "b3RoZXI=")).paths()).containsExactly("data.password");
        assertThat(compare(desired, live.replace(", tls.crt: Y2VydA==", "")).differences()).usingElementComparator(PATH_AND_CHANGE)
                .containsExactly(new FieldDifference("data[\"tls.crt\"]", Change.MISSING));
    }

    @Test
    void aPathAnIgnoreRuleNamesIsNotDriftButOtherPathsStillAre() {
        DesiredObject desired = DesiredObject.parse(DEPLOYMENT, 1);
        List<IgnoreDifference> ignore = List.of(new IgnoreDifference("apps", "Deployment", "web", "shop-prod",
                List.of("/spec/replicas", "/metadata/annotations/example.com~1owner")));
        String scaledAndAnnotated = json(live(l -> {
            spec(l).put("replicas", 7);
            ((ObjectNode) l.get("metadata").get("annotations")).put("example.com/owner", "team-b");
        }));

        assertThat(comparator.compare(desired, scaledAndAnnotated).paths())
                .containsExactlyInAnyOrder("spec.replicas", "metadata.annotations[\"example.com/owner\"]");
        assertThat(comparator.compare(desired, scaledAndAnnotated, ignore).matches()).isTrue();

        String alsoImage = json(live(l -> {
            spec(l).put("replicas", 7);
            container(l, 1).put("image", "nginx:1.28");
        }));
        assertThat(comparator.compare(desired, alsoImage, ignore).paths())
                .containsExactly("spec.template.spec.containers[name=web].image");
        assertThat(desired.content()).isEqualTo(DesiredObject.parse(DEPLOYMENT, 1).content());
    }

    @Test
    void aWholeSubtreeAndAListItemByIndexCanBeIgnored() {
        DesiredObject desired = DesiredObject.parse(DEPLOYMENT, 1);
        String edited = json(live(l -> {
            podSpec(l).putArray("tolerations").addObject().put("key", "other");
            container(l, 1).putArray("args").add("--port").add("9090");
        }));
        assertThat(comparator.compare(desired, edited).paths()).containsExactlyInAnyOrder(
                "spec.template.spec.tolerations", "spec.template.spec.containers[name=web].args");

        assertThat(comparator.compare(desired, edited, List.of(new IgnoreDifference(null, "Deployment", null, null,
                List.of("/spec/template/spec/tolerations/0", "/spec/template/spec/containers/0/args")))).paths())
                .as("tolerations item 0 left out on both sides; containers/0 is web in the document")
                .isEmpty();
    }

    @Test
    void aRuleAppliesOnlyToTheObjectsItSelects() {
        DesiredObject desired = DesiredObject.parse(DEPLOYMENT, 1);
        String scaled = json(live(l -> spec(l).put("replicas", 7)));
        List<String> replicas = List.of("/spec/replicas");

        for (IgnoreDifference other : List.of(
                new IgnoreDifference(null, "Deployment", "api", null, replicas),
                new IgnoreDifference(null, "Deployment", null, "shop-dev", replicas),
                new IgnoreDifference(null, "StatefulSet", null, null, replicas),
                new IgnoreDifference("", "Deployment", null, null, replicas))) {
            assertThat(comparator.compare(desired, scaled, List.of(other)).paths()).as(other.toString())
                    .containsExactly("spec.replicas");
        }
        for (IgnoreDifference selecting : List.of(
                new IgnoreDifference(null, "Deployment", null, null, replicas),
                new IgnoreDifference("apps", "Deployment", "web", "shop-prod", replicas))) {
            assertThat(comparator.compare(desired, scaled, List.of(selecting)).matches()).as(selecting.toString()).isTrue();
        }
    }

    @Test
    void theDesiredDocumentIsNotModified() {
        DesiredObject secret = DesiredObject.parse("{apiVersion: v1, kind: Secret, metadata: {name: db}, stringData: {a: b}}", 1);
        JsonNode before = secret.content().deepCopy();

        comparator.compare(secret, "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"db\"}}");

        assertThat(secret.content()).isEqualTo(before);
    }

    @Test
    void liveThatIsNotAnObjectIsRefused() {
        DesiredObject cm = DesiredObject.parse("{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}", 1);
        assertThatThrownBy(() -> comparator.compare(cm, "[1]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> comparator.compare(cm, "{\"data\": {\"password\": hunter2}}"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("ConfigMap a").hasMessageContaining("line 1")
                .message().doesNotContain("hunter2");
    }

    private Comparison compare(String desiredYaml, String liveYaml) {
        try {
            return comparator.compare(DesiredObject.parse(desiredYaml, 1).content(), YAML.readTree(liveYaml));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String live(Consumer<ObjectNode> edit) {
        try {
            ObjectNode live = (ObjectNode) YAML.readTree(LIVE_DEPLOYMENT);
            edit.accept(live);
            return YAML.writeValueAsString(live);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String json(String yaml) {
        return readYaml(yaml).toString();
    }

    private static ObjectNode spec(ObjectNode object) {
        return (ObjectNode) object.get("spec");
    }

    private static ObjectNode podSpec(ObjectNode deployment) {
        return (ObjectNode) spec(deployment).get("template").get("spec");
    }

    private static ObjectNode container(ObjectNode deployment, int index) {
        return (ObjectNode) podSpec(deployment).get("containers").get(index);
    }
}
