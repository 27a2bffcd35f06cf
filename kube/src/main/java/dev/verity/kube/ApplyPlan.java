package dev.verity.kube;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * The offline steps of an apply: {@link #validate} the documents (every object well-formed, of a kind the
 * cluster or the desired state defines, namespaced exactly when its kind is) and {@link #stage} them
 * (CustomResourceDefinitions, then Namespaces and other cluster-scoped objects, then the rest in document order).
 *
 * <p>Verity never defaults a namespace: a namespaced object without {@code metadata.namespace} is invalid,
 * because applying it would put it wherever the applier's credentials point. Kustomize output carries the
 * overlay's {@code namespace:}.
 */
public final class ApplyPlan {

    private static final KubernetesSerialization METADATA = new KubernetesSerialization();

    private ApplyPlan() {
    }

    public static Validation validate(List<String> documents, ResourceTypes.Discovery discovery) {
        Manifests manifests = Manifests.parse(documents);
        List<Problem> problems = new ArrayList<>(manifests.problems());
        ResourceTypes types = ResourceTypes.of(manifests.manifests(), discovery);
        List<PlannedObject> objects = new ArrayList<>();
        for (Manifest m : manifests.manifests()) {
            Optional<ResourceType> type = types.resolve(m.ref().apiVersion(), m.ref().kind());
            if (type.isEmpty()) {
                problems.add(new Problem(m.document(), m.ref(), m.describe() + ": the cluster serves no kind " + m.ref().kind() + " in "
                        + m.ref().apiVersion() + " and no CustomResourceDefinition in this target defines it;"
                        + " install the CRD or add it to the target"));
                continue;
            }
            if (type.get().namespaced() && m.ref().namespace() == null) {
                problems.add(new Problem(m.document(), m.ref(), m.describe() + " has no metadata.namespace, and " + m.ref().kind() + " is namespaced;"
                        + " Verity does not default namespaces: set namespace in the overlay's kustomization.yaml"
                        + " or in the object"));
                continue;
            }
            if (!type.get().namespaced() && m.ref().namespace() != null) {
                problems.add(new Problem(m.document(), m.ref(), m.describe() + " has metadata.namespace, but " + m.ref().kind()
                        + " is cluster-scoped; remove the namespace"));
                continue;
            }
            if (!hasValidMetadata(m)) {
                problems.add(new Problem(m.document(), m.ref(), m.describe() + ": metadata is not valid Kubernetes"
                        + " object metadata; labels and annotations must map strings to strings"));
                continue;
            }
            objects.add(new PlannedObject(m, type.get(), Stage.of(m, type.get())));
        }
        List<dev.verity.events.ObjectRef> parsed = manifests.manifests().stream().map(Manifest::ref).toList();
        problems.sort(java.util.Comparator.comparingInt(Problem::document));
        return problems.isEmpty() ? new Validation(objects, parsed, List.of()) : new Validation(List.of(), parsed, problems);
    }

    private static boolean hasValidMetadata(Manifest m) {
        try {
            METADATA.convertValue(m.content().get("metadata"), ObjectMeta.class);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Orders the objects by stage, keeping document order within a stage. */
    public static List<PlannedObject> stage(List<PlannedObject> objects) {
        List<PlannedObject> staged = new ArrayList<>(objects);
        staged.sort(Comparator.comparing(PlannedObject::stage)); // List.sort is stable
        return List.copyOf(staged);
    }
}
