package dev.verity.kube;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Tells an API server's refusal to change an immutable field (a workload's selector, a Service's cluster IP, a Job's
 * template, an immutable ConfigMap, a RoleBinding's roleRef, ...) from other refusals, and which kinds Verity never
 * recreates. It reads the 422 {@code Invalid} answer's causes (and, when it has none, its message) in the words
 * kube-apiserver uses for immutable fields; it does not recognise admission webhooks' own wording.
 */
final class Immutability {

    /** Deleting one of these deletes what it holds (volumes, a namespace's objects, a CRD's custom resources). */
    static final Set<String> NEVER_RECREATED = Set.of("PersistentVolumeClaim", "Namespace", "CustomResourceDefinition");

    private static final Pattern IMMUTABLE = Pattern.compile(
            "field is immutable|is immutable|may not change once set|cannot change|updates to .* are forbidden",
            Pattern.CASE_INSENSITIVE);

    private Immutability() {
    }

    /**
     * The fields a refusal says are immutable, as the server names them ({@code spec.selector}); empty when the
     * refusal is not about an immutable field. When the server names none, {@code ["a field"]}.
     */
    static List<String> fields(KubernetesClientException e) {
        if (e.getCode() != 422) return List.of();
        Status status = e.getStatus();
        List<String> fields = new ArrayList<>();
        if (status != null && status.getDetails() != null && status.getDetails().getCauses() != null) {
            for (StatusCause cause : status.getDetails().getCauses()) {
                if (cause.getMessage() != null && IMMUTABLE.matcher(cause.getMessage()).find()) {
                    fields.add(cause.getField() == null ? "a field" : cause.getField());
                }
            }
        }
        if (fields.isEmpty() && status != null && status.getMessage() != null
                && IMMUTABLE.matcher(status.getMessage()).find()) {
            fields.add("a field");
        }
        return List.copyOf(fields);
    }

    /** True when Verity may delete and create again an object of {@code kind} to change an immutable field. */
    static boolean recreatable(String kind) {
        return !NEVER_RECREATED.contains(kind);
    }
}
