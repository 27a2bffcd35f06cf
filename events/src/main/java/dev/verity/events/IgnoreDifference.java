package dev.verity.events;

import java.util.List;

/**
 * One {@code ignoreDifferences} rule of a target's {@link Policy}, as in Argo CD: the drift monitor never reports a
 * difference at or under one of {@link #jsonPointers()} of an object the rule selects. It selects objects only; it
 * does not change what the applier applies (the applier still applies those fields), and it checks no pointer
 * syntax beyond the leading {@code /}: the renderer's {@code verity.yaml} parser rejects bad pointers with the line,
 * and an older or newer service must still decode the rule.
 *
 * <p>On the wire: {@code {"group":"apps","kind":"Deployment","name":"web","namespace":null,
 * "jsonPointers":["/spec/replicas"]}}.
 *
 * @param group        the API group the object's {@code apiVersion} names ({@code apps} for {@code apps/v1},
 *                     {@code ""} for the core group {@code v1}); null selects every group
 * @param kind         the object's kind, required
 * @param name         the object's name; null selects every name
 * @param namespace    the object's namespace; null selects every namespace (and cluster-scoped objects)
 * @param jsonPointers RFC 6901 pointers ({@code /spec/replicas}, {@code /metadata/annotations/a~1b} for the key
 *                     {@code a/b}, {@code /spec/template/spec/containers/0/image}) into the object, at least one
 */
public record IgnoreDifference(String group, String kind, String name, String namespace, List<String> jsonPointers) {

    public IgnoreDifference {
        Require.nonBlank("ignoreDifferences[].kind", kind);
        jsonPointers = jsonPointers == null ? List.of() : List.copyOf(jsonPointers);
        if (jsonPointers.isEmpty()) throw new IllegalArgumentException("ignoreDifferences[].jsonPointers is required");
        for (String pointer : jsonPointers) {
            if (pointer == null || !pointer.startsWith("/")) {
                throw new IllegalArgumentException("ignoreDifferences[].jsonPointers: '" + pointer
                        + "' is not a JSON pointer (it starts with '/')");
            }
        }
    }

    /** Whether the rule selects the object. */
    public boolean selects(ObjectRef object) {
        return kind.equals(object.kind())
                && (group == null || group.equals(groupOf(object.apiVersion())))
                && (name == null || name.equals(object.name()))
                && (namespace == null || namespace.equals(object.namespace()));
    }

    /** The group an {@code apiVersion} names: {@code apps} for {@code apps/v1}, {@code ""} for {@code v1}. */
    public static String groupOf(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    /** The pointers of every rule in {@code rules} that selects the object, in rule order. */
    public static List<String> pointersFor(List<IgnoreDifference> rules, ObjectRef object) {
        return rules.stream().filter(r -> r.selects(object)).flatMap(r -> r.jsonPointers().stream()).toList();
    }
}
