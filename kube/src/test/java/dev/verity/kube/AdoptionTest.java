package dev.verity.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static dev.verity.kube.FieldSetsTest.set;
import static org.assertj.core.api.Assertions.assertThat;

class AdoptionTest {

    static final Adoption ADOPTION = new Adoption(Adoption.DEFAULT_MANAGERS);

    static Map<String, Object> object(String annotations, String... entries) {
        return set("{'metadata': {'name': 'cfg', 'resourceVersion': '7', 'annotations': " + annotations + ","
                + " 'managedFields': [" + String.join(",", entries) + "]}}");
    }

    static String entry(String manager, String operation, String fields) {
        return "{'manager': '" + manager + "', 'operation': '" + operation + "', 'apiVersion': 'v1',"
                + " 'fieldsType': 'FieldsV1', 'fieldsV1': " + fields + "}";
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> ops(String patch) throws Exception {
        return new ObjectMapper().readValue(patch, List.class);
    }

    @Test
    void kubectlsFieldsThatVerityAppliesAndTheLastAppliedAnnotationAreTakenOver() throws Exception {
        Map<String, Object> live = object("{'kubectl.kubernetes.io/last-applied-configuration': '{}'}",
                entry("kubectl-client-side-apply", "Update", "{'f:data': {'.': {}, 'f:a': {}, 'f:b': {}, 'f:c': {}},"
                        + " 'f:metadata': {'f:annotations': {'.': {}, 'f:kubectl.kubernetes.io/last-applied-configuration': {}}}}"),
                entry("verity", "Apply", "{'f:data': {'f:a': {}, 'f:b': {}}}"),
                entry("kube-controller-manager", "Update", "{'f:data': {'f:a': {}}}"));

        List<Map<String, Object>> ops = ops(ADOPTION.patch(live, "verity").orElseThrow());

        assertThat(ops.get(0)).isEqualTo(Map.of("op", "test", "path", "/metadata/resourceVersion", "value", "7"));
        assertThat(ops.get(1)).containsEntry("op", "replace").containsEntry("path", "/metadata/managedFields");
        assertThat((List<Map<String, Object>>) ops.get(1).get("value")).extracting(e -> e.get("manager") + " " + e.get("fieldsV1"))
                .containsExactly("kubectl-client-side-apply {f:data={f:c={}, .={}}, f:metadata={f:annotations={}}}",
                        "verity {f:data={f:a={}, f:b={}}}",
                        "kube-controller-manager {f:data={f:a={}}}");
        assertThat(ops.get(2)).isEqualTo(Map.of("op", "remove",
                "path", "/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration"));
    }

    @Test
    void anEntryLeftEmptyIsDroppedAndOnlyListedUpdateEntriesAreTouched() throws Exception {
        Map<String, Object> live = object("{}",
                entry("kubectl-edit", "Update", "{'f:data': {'f:a': {}}}"),
                entry("kubectl", "Apply", "{'f:data': {'f:a': {}}}"),
                entry("verity", "Apply", "{'f:data': {'f:a': {}}}"));

        List<Map<String, Object>> ops = ops(ADOPTION.patch(live, "verity").orElseThrow());

        assertThat((List<Map<String, Object>>) ops.get(1).get("value")).extracting(e -> e.get("manager") + " " + e.get("operation"))
                .containsExactly("kubectl Apply", "verity Apply");
        assertThat(ops).hasSize(2);
    }

    @Test
    void nothingToTakeOverIsNoPatch() {
        Map<String, Object> live = object("{'team': 'web'}",
                entry("kubectl-client-side-apply", "Update", "{'f:data': {'f:c': {}}}"),
                entry("verity", "Apply", "{'f:data': {'f:a': {}}}"));

        assertThat(ADOPTION.patch(live, "verity")).isEmpty();
        assertThat(new Adoption(List.of()).patch(object("{'kubectl.kubernetes.io/last-applied-configuration': '{}'}", entry("kubectl-edit", "Update", "{'f:data': {'f:a': {}}}"),
                entry("verity", "Apply", "{'f:data': {'f:a': {}}}")), "verity")).isEmpty();
    }
}
