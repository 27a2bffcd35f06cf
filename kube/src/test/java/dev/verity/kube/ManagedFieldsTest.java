package dev.verity.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verity.events.AppliedObject;
import dev.verity.events.ObjectRef;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ManagedFieldsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    /** A Deployment as an API server returns it: two managers, defaults, status. */
    static final String DEPLOYMENT = """
            {"apiVersion":"apps/v1","kind":"Deployment",
             "metadata":{"name":"web","namespace":"shop","uid":"u-1","resourceVersion":"42","generation":3,
               "labels":{"app":"web","team":"x"},
               "managedFields":[
                 {"manager":"verity","operation":"Apply","apiVersion":"apps/v1","fieldsType":"FieldsV1",
                  "fieldsV1":{"f:metadata":{"f:labels":{"f:app":{}}},
                    "f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{
                      "k:{\\"name\\":\\"web\\"}":{".":{},"f:image":{},"f:name":{},
                        "f:ports":{"k:{\\"containerPort\\":8080,\\"protocol\\":\\"TCP\\"}":{".":{},"f:containerPort":{}}}}}}},
                    "f:finalizers":{"v:\\"a\\"":{}}}}},
                 {"manager":"kubectl-edit","operation":"Update","apiVersion":"apps/v1",
                  "fieldsV1":{"f:metadata":{"f:labels":{"f:team":{}}}}}]},
             "spec":{"replicas":3,"finalizers":["b","a"],"template":{"spec":{"containers":[
               {"name":"sidecar","image":"envoy"},
               {"name":"web","image":"web:2","imagePullPolicy":"IfNotPresent",
                "ports":[{"containerPort":8080,"protocol":"TCP"},{"containerPort":9090,"protocol":"TCP"}]}]}}},
             "status":{"readyReplicas":3}}
            """;

    @SuppressWarnings("unchecked")
    static Map<String, Object> parse(String json) throws Exception {
        return JSON.readValue(json, Map.class);
    }

    @Test
    void reducesTheObjectToTheManagersFieldsMatchingListItemsByKeyValueAndIndex() throws Exception {
        Map<String, Object> live = parse(DEPLOYMENT);
        AppliedObject applied = ManagedFields.applied(new ObjectRef("apps/v1", "Deployment", "shop", "web"), live);

        assertThat(applied.uid()).isEqualTo("u-1");
        assertThat(applied.resourceVersion()).isEqualTo("42");
        assertThat(JSON.writeValueAsString(applied.values())).isEqualTo("""
                {"metadata":{"labels":{"app":"web"}},"spec":{"replicas":3,"template":{"spec":{"containers":[\
                {"image":"web:2","name":"web","ports":[{"containerPort":8080}]}]}},"finalizers":["a"]}}""");
    }

    @Test
    void anObjectWithoutTheManagersApplyEntryHasNoFieldsAndNoValues() throws Exception {
        Map<String, Object> live = parse(DEPLOYMENT);
        assertThat(ManagedFields.fieldsOf(live, "someone-else")).isEmpty();
        assertThat(ManagedFields.fieldsOf(live, "kubectl-edit")).as("an Update entry is not an apply").isEmpty();
        assertThat(ManagedFields.applied(new ObjectRef("v1", "ConfigMap", "a", "b"), Map.of("metadata", Map.of()))
                .values()).isEmpty();
    }

    @Test
    void secretDataIsHashedWithTheUidNeverKept() throws Exception {
        Map<String, Object> live = parse("""
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"t","namespace":"a","uid":"u-9",
                  "managedFields":[{"manager":"verity","operation":"Apply","fieldsV1":{"f:data":{"f:password":{}}}}]},
                 "data":{"password":"aHVudGVyMg=="}}""");
        AppliedObject applied = ManagedFields.applied(new ObjectRef("v1", "Secret", "a", "t"), live);

        assertThat(applied.values().toString()).doesNotContain("aHVudGVyMg==");
        assertThat(applied.values()).isEqualTo(Map.of("data", Map.of("password", ManagedFields.secretHash("u-9", "aHVudGVyMg=="))));
        assertThat(ManagedFields.secretHash("u-9", "aHVudGVyMg==")).isNotEqualTo(ManagedFields.secretHash("u-8", "aHVudGVyMg=="))
                .startsWith("sha256:").hasSize(7 + 64);
    }

    @Test
    void namedFieldsOrItemsTheObjectLacksAreLeftOut() throws Exception {
        Map<String, Object> fields = parse("""
                {"f:spec":{"f:gone":{},"f:items":{"k:{\\"name\\":\\"x\\"}":{"f:v":{}},"i:5":{}}}}""");
        Map<String, Object> object = parse("""
                {"spec":{"items":[{"name":"y","v":1}]}}""");
        assertThat(ManagedFields.project(object, fields)).isEqualTo(Map.of("spec", Map.of("items", List.of())));
    }
}
