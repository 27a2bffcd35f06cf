package dev.verity.kube.diff;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verity.events.AppliedObject;
import dev.verity.events.IgnoreDifference;
import dev.verity.events.ObjectRef;
import dev.verity.kube.ManagedFields;
import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.List;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link DriftComparator#compareApplied}: the live object against what the server stored when Verity applied it. */
class CompareAppliedTest {

    /** Differences compared on path and change, not on the values they show. */
    static final Comparator<FieldDifference> PATH_AND_CHANGE =
            Comparator.comparing(FieldDifference::path).thenComparing(FieldDifference::change);

    static final ObjectMapper JSON = new ObjectMapper();
    static final ObjectRef WEB = new ObjectRef("apps/v1", "Deployment", "shop", "web");
    static final ObjectRef DB = new ObjectRef("v1", "Secret", "shop", "db");

    static final String VERITY_FIELDS = """
            {"manager":"verity","operation":"Apply","apiVersion":"apps/v1","fieldsType":"FieldsV1",
             "fieldsV1":{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{%s"f:template":{"f:spec":{"f:containers":{
               "k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{},"f:name":{},
                 "f:env":{"k:{\\"name\\":\\"EMPTY\\"}":{".":{},"f:name":{},"f:value":{}}},
                 "f:volumeMounts":{"k:{\\"mountPath\\":\\"/c\\"}":{".":{},"f:mountPath":{},"f:name":{},"f:readOnly":{}}}}}}}}}}
            """;

    /** The Deployment as the server answered Verity's apply: defaults added, {@code value: ""} and {@code readOnly: false} dropped. */
    static final String STORED = """
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","namespace":"shop","uid":"u-1","resourceVersion":"7","labels":{"app":"web"},
               "managedFields":[%s]},
             "spec":{"replicas":%d,"template":{"spec":{"containers":[
               %s{"name":"web","image":"%s","imagePullPolicy":"IfNotPresent","env":[{"name":"EMPTY"}],
                "volumeMounts":[{"name":"cache","mountPath":"/c"}]}]}}},
             "status":{"readyReplicas":2}}
            """;

    final DriftComparator comparator = new DriftComparator();

    static String deployment(String managedFields, int replicas, String image, String otherContainer) {
        return STORED.formatted(managedFields, replicas, otherContainer, image);
    }

    static AppliedObject applied(ObjectRef ref, String stored) throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> live = JSON.readValue(stored, Map.class);
        return ManagedFields.applied(ref, live);
    }

    final String owned = VERITY_FIELDS.formatted("\"f:replicas\":{},");

    @Test
    void theObjectAsStoredMatchesWhateverTheServerNormalisedOrDefaulted() throws Exception {
        AppliedObject applied = applied(WEB, deployment(owned, 2, "nginx:1.27", ""));
        assertThat(comparator.compareApplied(applied, deployment(owned, 2, "nginx:1.27", "")).matches()).isTrue();
    }

    @Test
    void anEditedImageIsDriftNamingTheContainer() throws Exception {
        AppliedObject applied = applied(WEB, deployment(owned, 2, "nginx:1.27", ""));
        String edited = deployment(owned.replace("\"f:image\":{},", "") + ",{\"manager\":\"kubectl-edit\",\"operation\":\"Update\","
                + "\"fieldsV1\":{\"f:spec\":{\"f:template\":{\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"web\\\"}\":"
                + "{\"f:image\":{}}}}}}}}", 2, "nginx:1.28", "");
        assertThat(comparator.compareApplied(applied, edited).paths())
                .containsExactly("spec.template.spec.containers[name=web].image");
    }

    @Test
    void anIgnoredPathIsNotDriftAgainstTheAppliedStateButOtherPathsAre() throws Exception {
        AppliedObject applied = applied(WEB, deployment(owned, 2, "nginx:1.27", ""));
        String scaled = deployment(owned.replace("\"f:replicas\":{},", "") + ",{\"manager\":\"kubectl\","
                + "\"operation\":\"Update\",\"fieldsV1\":{\"f:spec\":{\"f:replicas\":{}}}}", 5, "nginx:1.27", "");
        List<IgnoreDifference> ignore = List.of(new IgnoreDifference("apps", "Deployment", "web", "shop",
                List.of("/spec/replicas")));

        assertThat(comparator.compareApplied(applied, scaled).paths()).containsExactly("spec.replicas");
        assertThat(comparator.compareApplied(applied, scaled, ignore).matches()).isTrue();
        assertThat(comparator.compareApplied(applied, scaled, List.of(new IgnoreDifference("apps", "Deployment", "api",
                null, List.of("/spec/replicas")))).paths()).containsExactly("spec.replicas");

        String scaledAndEdited = scaled.replace("nginx:1.27", "nginx:1.28");
        assertThat(comparator.compareApplied(applied, scaledAndEdited, ignore).paths())
                .containsExactly("spec.template.spec.containers[name=web].image");
    }

    @Test
    void aContainerAnotherManagerAddedIsNotDrift() throws Exception {
        AppliedObject applied = applied(WEB, deployment(owned, 2, "nginx:1.27", ""));
        String injected = deployment(owned, 2, "nginx:1.27", "{\"name\":\"istio-proxy\",\"image\":\"envoy\"},");
        assertThat(comparator.compareApplied(applied, injected).matches()).isTrue();
    }

    @Test
    void replicasTheAutoscalerTookThroughScaleAreNotDriftButAPersonsScaleIs() throws Exception {
        AppliedObject applied = applied(WEB, deployment(owned, 2, "nginx:1.27", ""));
        String withoutReplicas = VERITY_FIELDS.formatted("");
        String scaleEntry = ",{\"manager\":\"%s\",\"operation\":\"Update\",\"subresource\":\"scale\","
                + "\"fieldsV1\":{\"f:spec\":{\"f:replicas\":{}}}}";
        String byHpa = deployment(withoutReplicas + scaleEntry.formatted("kube-controller-manager"), 5, "nginx:1.27", "");
        String byPerson = deployment(withoutReplicas + scaleEntry.formatted("kubectl"), 5, "nginx:1.27", "");

        assertThat(comparator.compareApplied(applied, byHpa).matches()).isTrue();
        assertThat(comparator.compareApplied(applied, byPerson).paths()).containsExactly("spec.replicas");
    }

    @Test
    void aFieldOfTheAppliedSetRemovedFromTheLiveObjectIsMissing() throws Exception {
        AppliedObject applied = applied(WEB, deployment(owned, 2, "nginx:1.27", ""));
        String live = deployment(owned, 2, "nginx:1.27", "").replace("\"labels\":{\"app\":\"web\"}", "\"labels\":{\"team\":\"x\"}");
        assertThat(comparator.compareApplied(applied, live).differences()).usingElementComparator(PATH_AND_CHANGE)
                .containsExactly(new FieldDifference("metadata.labels.app", FieldDifference.Change.MISSING));
    }

    @Test
    void aSecretIsComparedOnHashesOfItsValues() throws Exception {
        String secret = """
                {"apiVersion":"v1","kind":"Secret","type":"Opaque",
                 "metadata":{"name":"db","namespace":"shop","uid":"u-9","managedFields":[
                   {"manager":"verity","operation":"Apply","fieldsV1":{"f:data":{"f:password":{}},"f:type":{}}}]},
                 "data":{"password":"%s"}}
                """;
        AppliedObject applied = applied(DB, secret.formatted("czNjcjN0"));
        assertThat(applied.values().toString()).doesNotContain("czNjcjN0");

        assertThat(comparator.compareApplied(applied, secret.formatted("czNjcjN0")).matches()).isTrue();
        assertThat(comparator.compareApplied(applied, secret.formatted("aHVudGVyMg==")).paths())
                .containsExactly("data.password");
    }

    @Test
    void differencesShowBothValuesButNeverSecretOnes() throws Exception {
        AppliedObject applied = applied(WEB, deployment(owned, 2, "nginx:1.27", ""));
        assertThat(comparator.compareApplied(applied, deployment(owned, 2, "nginx:1.28", "")).differences())
                .containsExactly(new FieldDifference("spec.template.spec.containers[name=web].image",
                        FieldDifference.Change.CHANGED, "\"nginx:1.27\"", "\"nginx:1.28\""));

        String configMap = """
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings","namespace":"shop","uid":"u-3",
                 "managedFields":[{"manager":"verity","operation":"Apply",
                   "fieldsV1":{"f:data":{"f:mode":{},"f:API_TOKEN":{}}}}]},
                 "data":{"mode":"%s","API_TOKEN":"%s"}}
                """;
        AppliedObject settings = applied(new ObjectRef("v1", "ConfigMap", "shop", "settings"),
                configMap.formatted("fast", "t0ken-1"));
        assertThat(comparator.compareApplied(settings, configMap.formatted("slow", "t0ken-2")).differences())
                .containsExactly(
                        new FieldDifference("data.API_TOKEN", FieldDifference.Change.CHANGED, FieldDifference.MASKED,
                                FieldDifference.MASKED),
                        new FieldDifference("data.mode", FieldDifference.Change.CHANGED, "\"fast\"", "\"slow\""));

        String secret = """
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"db","namespace":"shop","uid":"u-9",
                 "managedFields":[{"manager":"verity","operation":"Apply","fieldsV1":{"f:data":{"f:user":{}}}}]},
                 "data":{"user":"%s"}}
                """;
        AppliedObject db = applied(DB, secret.formatted("YWRtaW4="));
        assertThat(comparator.compareApplied(db, secret.formatted("cm9vdA==")).differences())
                .containsExactly(new FieldDifference("data.user", FieldDifference.Change.CHANGED,
                        FieldDifference.MASKED, FieldDifference.MASKED));
    }

    @Test
    void envValuesWhoseNameLooksSecretAreMaskedOthersShown() {
        String desired = """
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers:
                  - name: app
                    image: app:1
                    env:
                    - {name: DB_PASSWORD, value: hunter2}
                    - {name: LOG_LEVEL, value: info}
                """;
        String live = """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"app",
                 "image":"app:1","env":[{"name":"DB_PASSWORD","value":"letmein"},{"name":"LOG_LEVEL","value":"debug"}]}]}}
                """;
        assertThat(comparator.compare(DesiredObject.parse(desired, 1), live).differences()).containsExactly(
                new FieldDifference("spec.containers[name=app].env[name=DB_PASSWORD].value",
                        FieldDifference.Change.CHANGED, FieldDifference.MASKED, FieldDifference.MASKED),
                new FieldDifference("spec.containers[name=app].env[name=LOG_LEVEL].value",
                        FieldDifference.Change.CHANGED, "\"info\"", "\"debug\""));
    }
}
