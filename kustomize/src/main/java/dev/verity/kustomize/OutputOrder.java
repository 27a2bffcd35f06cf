package dev.verity.kustomize;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.Node;
import dev.verity.kustomize.yaml.ScalarNode;
import dev.verity.kustomize.yaml.SeqNode;

/** The order of the output: Kustomize's legacy kind order by default, or as the top kustomization's sortOptions say. */
final class OutputOrder {

    static final List<String> DEFAULT_FIRST = List.of("Namespace", "ResourceQuota", "StorageClass",
            "CustomResourceDefinition", "ServiceAccount", "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding",
            "ClusterRoleBinding", "ConfigMap", "Secret", "Endpoints", "Service", "LimitRange", "PriorityClass",
            "PersistentVolume", "PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob",
            "PodDisruptionBudget");
    static final List<String> DEFAULT_LAST = List.of("MutatingWebhookConfiguration",
            "ValidatingWebhookConfiguration");

    private OutputOrder() {
    }

    static List<Resource> sort(List<Resource> resources, MapNode sortOptions, String file) {
        List<String> first = DEFAULT_FIRST;
        List<String> last = DEFAULT_LAST;
        if (sortOptions != null) {
            String order = sortOptions.string("order");
            MapNode legacy = sortOptions.map("legacySortOptions");
            if ("fifo".equals(order)) {
                if (legacy != null) {
                    throw new KustomizeException("sortOptions in " + file + ": the field"
                            + " 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not"
                            + " 'legacy'");
                }
                return new ArrayList<>(resources);
            }
            if (!"legacy".equals(order)) {
                throw new KustomizeException("sortOptions in " + file
                        + ": the field 'sortOptions.order' must be one of [fifo, legacy]");
            }
            if (legacy != null) {
                first = strings(legacy.get("orderFirst"));
                last = strings(legacy.get("orderLast"));
            }
        }
        Map<String, Integer> typeOrders = new HashMap<>();
        for (int i = 0; i < first.size(); i++) {
            typeOrders.put(first.get(i), -first.size() + i);
        }
        for (int i = 0; i < last.size(); i++) {
            typeOrders.put(last.get(i), 1 + i);
        }
        List<Resource> sorted = new ArrayList<>(resources);
        sorted.sort((a, b) -> compare(a.id(), b.id(), typeOrders));
        return sorted;
    }

    private static List<String> strings(Node node) {
        List<String> result = new ArrayList<>();
        if (node instanceof SeqNode seq) {
            for (Node item : seq.items()) {
                if (item instanceof ScalarNode s && !s.isNull()) {
                    result.add(s.value());
                }
            }
        }
        return result;
    }

    private static int compare(ResourceId a, ResourceId b, Map<String, Integer> typeOrders) {
        if (!a.gvkEquals(b)) {
            int indexA = typeOrders.getOrDefault(a.kind(), 0);
            int indexB = typeOrders.getOrDefault(b.kind(), 0);
            if (indexA != indexB) {
                return Integer.compare(indexA, indexB);
            }
            if (a.kind().equals("Namespace") && b.kind().equals("Namespace")
                    && (a.group().isEmpty() || b.group().isEmpty())) {
                return gvkSortString(b).compareTo(gvkSortString(a));
            }
            return gvkSortString(a).compareTo(gvkSortString(b));
        }
        return idSortString(a).compareTo(idSortString(b));
    }

    private static String gvkSortString(ResourceId id) {
        return (id.group().isEmpty() ? "~G" : id.group()) + "_" + (id.version().isEmpty() ? "~V" : id.version())
                + "_" + (id.kind().isEmpty() ? "~K" : id.kind());
    }

    private static String idSortString(ResourceId id) {
        return id.gvkString() + "|" + (id.namespace().isEmpty() ? "~X" : id.namespace()) + "|"
                + (id.name().isEmpty() ? "~N" : id.name());
    }
}
