package dev.verity.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Takes over from {@code kubectl create}, client-side {@code kubectl apply} and {@code kubectl edit} the fields Verity
 * applies, as client-go's {@code csaupgrade} and fluxcd/pkg/ssa upgrade an object's field managers: after Verity's
 * apply, the fields of its {@code Apply} entry are removed from those managers' {@code Update} entries (an entry left
 * empty is dropped), and the annotation {@value #LAST_APPLIED} is removed, in one JSON patch that first tests the
 * object's resourceVersion. Verity is then the only owner of what it applies, so a field later removed from Git is
 * removed from the cluster (while a CSA manager co-owned it, the API server kept it).
 *
 * <p>It touches only entries of the listed managers with operation {@code Update} on the main resource: never
 * controllers' entries, never {@code Apply} entries, never subresources; fields Verity does not apply stay theirs.
 * Pure: it computes the patch; the {@link Applier} sends it.
 */
public final class Adoption {

    /** The annotation client-side {@code kubectl apply} keeps its last applied configuration in. */
    public static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    /** The managers of {@code kubectl create}, client-side {@code kubectl apply} and {@code kubectl edit}. */
    public static final List<String> DEFAULT_MANAGERS = List.of("kubectl-client-side-apply", "kubectl-create",
            "kubectl", "before-first-apply", "kubectl-edit");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> LAST_APPLIED_FIELD = List.of("f:metadata", "f:annotations", "f:" + LAST_APPLIED);

    private final List<String> managers;

    public Adoption(List<String> managers) {
        this.managers = List.copyOf(managers);
    }

    public List<String> managers() {
        return managers;
    }

    /**
     * The JSON patch that adopts {@code live} (the object as Verity's apply left it), or empty when there is nothing
     * to take over: no listed manager owns a field Verity applies, and there is no last-applied annotation (or no
     * manager is listed: adoption is off).
     */
    public Optional<String> patch(Map<String, Object> live, String fieldManager) {
        if (managers.isEmpty() || !(live.get("metadata") instanceof Map<?, ?> metadata)) return Optional.empty();
        Map<String, Object> ours = ManagedFields.fieldsOf(live, fieldManager).orElse(Map.of());
        boolean annotated = metadata.get("annotations") instanceof Map<?, ?> a && a.containsKey(LAST_APPLIED);
        List<Object> entries = metadata.get("managedFields") instanceof List<?> l ? new ArrayList<>(l) : List.of();
        List<Object> adopted = new ArrayList<>();
        boolean changed = false;
        for (Object e : entries) {
            if (!(e instanceof Map<?, ?> entry) || !adoptable(entry)) {
                adopted.add(e);
                continue;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> fields = entry.get("fieldsV1") instanceof Map<?, ?> f ? (Map<String, Object>) f : Map.of();
            Map<String, Object> left = FieldSets.without(FieldSets.subtract(fields, ours), LAST_APPLIED_FIELD);
            if (left.equals(fields)) {
                adopted.add(e);
                continue;
            }
            changed = true;
            if (left.isEmpty()) continue;
            Map<String, Object> copy = new LinkedHashMap<>();
            entry.forEach((k, v) -> copy.put(String.valueOf(k), v));
            copy.put("fieldsV1", left);
            adopted.add(copy);
        }
        if ((!changed || adopted.isEmpty()) && !annotated) return Optional.empty();
        List<Map<String, Object>> ops = new ArrayList<>();
        ops.add(Map.of("op", "test", "path", "/metadata/resourceVersion", "value",
                String.valueOf(metadata.get("resourceVersion"))));
        if (changed && !adopted.isEmpty()) ops.add(Map.of("op", "replace", "path", "/metadata/managedFields", "value", adopted));
        if (annotated) {
            ops.add(Map.of("op", "remove", "path", "/metadata/annotations/" + LAST_APPLIED.replace("~", "~0")
                    .replace("/", "~1")));
        }
        try {
            return Optional.of(JSON.writeValueAsString(ops));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON patch of plain maps could not be written", e);
        }
    }

    private boolean adoptable(Map<?, ?> entry) {
        Object subresource = entry.get("subresource");
        return managers.contains(String.valueOf(entry.get("manager"))) && "Update".equals(entry.get("operation"))
                && (subresource == null || "".equals(subresource));
    }
}
