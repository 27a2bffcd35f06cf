package dev.verity.kube;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The field managers allowed to write fields Verity also applies, shared by the applier and the drift monitor: an
 * autoscaler's {@code spec.replicas} is its own, not drift, and Verity never force-takes it back. The default is the
 * HPA (and KEDA through it): manager {@code kube-controller-manager} on the {@code scale} subresource, field
 * {@code spec.replicas}.
 *
 * <p>A writer is {@code manager[/subresource]:field.path}, several separated by commas
 * ({@code kube-controller-manager/scale:spec.replicas}); without a subresource it matches the manager's entries on
 * the main resource only. Field paths are map fields (dotted); list items cannot be named. It reads who owns what from
 * a live object's {@code metadata.managedFields}; it does not watch or write anything.
 *
 * <p>A field stays the writer's while its managedFields entry holds it, also after the writer is gone (an HPA
 * deleted from Git): Verity does not take it back by itself. To hand it back to Git, remove the field from that
 * entry (a JSON patch of {@code metadata.managedFields}) and the next apply owns it again.
 */
public final class AllowedWriters {

    /** One allowed writer: a manager, on a subresource (null: the main resource), of one field. */
    public record Writer(String manager, String subresource, List<String> field) {

        public Writer {
            Objects.requireNonNull(manager, "manager");
            field = List.copyOf(field);
            if (manager.isBlank() || field.isEmpty() || field.stream().anyMatch(String::isBlank)) {
                throw new IllegalArgumentException("an allowed writer needs a manager and a field path");
            }
        }

        /** The field as a dotted path, {@code spec.replicas}. */
        public String path() {
            return String.join(".", field);
        }

        @Override
        public String toString() {
            return manager + (subresource == null ? "" : "/" + subresource) + ":" + path();
        }

        boolean writes(Map<?, ?> entry) {
            Object entrySubresource = entry.get("subresource");
            String sub = entrySubresource == null || "".equals(entrySubresource) ? null : entrySubresource.toString();
            return manager.equals(entry.get("manager")) && Objects.equals(subresource, sub);
        }
    }

    /** The configuration of {@link #DEFAULT}. */
    public static final String DEFAULT_CONFIG = "kube-controller-manager/scale:spec.replicas";
    /** The HPA's (and KEDA's, through it) replicas: {@value #DEFAULT_CONFIG}. */
    public static final AllowedWriters DEFAULT = parse(DEFAULT_CONFIG);
    /** No allowed writers: Verity takes back every field it applies (with {@code force}). */
    public static final AllowedWriters NONE = new AllowedWriters(List.of());

    private final List<Writer> writers;

    public AllowedWriters(List<Writer> writers) {
        this.writers = List.copyOf(writers);
    }

    /**
     * Parses {@code manager[/subresource]:field.path[, ...]}; blank is none.
     *
     * @throws IllegalArgumentException naming the entry that is not of that form
     */
    public static AllowedWriters parse(String config) {
        List<Writer> writers = new ArrayList<>();
        for (String item : config == null ? new String[0] : config.split(",")) {
            String entry = item.strip();
            if (entry.isEmpty()) continue;
            int colon = entry.lastIndexOf(':');
            if (colon <= 0 || colon == entry.length() - 1) {
                throw new IllegalArgumentException("allowed writer '" + entry + "' is not manager[/subresource]:field.path,"
                        + " e.g. kube-controller-manager/scale:spec.replicas");
            }
            String who = entry.substring(0, colon);
            int slash = who.indexOf('/');
            String manager = slash < 0 ? who : who.substring(0, slash);
            String subresource = slash < 0 ? null : who.substring(slash + 1);
            try {
                writers.add(new Writer(manager, subresource == null || subresource.isBlank() ? null : subresource,
                        Arrays.asList(entry.substring(colon + 1).split("\\.", -1))));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("allowed writer '" + entry + "' is not manager[/subresource]:field.path,"
                        + " e.g. kube-controller-manager/scale:spec.replicas", e);
            }
        }
        return new AllowedWriters(writers);
    }

    public List<Writer> writers() {
        return writers;
    }

    /**
     * The fields of {@code live} an allowed writer owns and {@code ourManager}'s Apply entry does not: the ones Verity
     * must leave out of what it applies, so that a forced apply does not take them back.
     */
    public List<Writer> holding(Map<String, Object> live, String ourManager) {
        if (writers.isEmpty() || !(live.get("metadata") instanceof Map<?, ?> metadata)
                || !(metadata.get("managedFields") instanceof List<?> entries)) {
            return List.of();
        }
        Map<String, Object> ours = ManagedFields.fieldsOf(live, ourManager).orElse(Map.of());
        List<Writer> holding = new ArrayList<>();
        for (Writer writer : writers) {
            List<String> path = writer.field().stream().map(f -> "f:" + f).toList();
            if (FieldSets.holds(ours, path)) continue;
            for (Object e : entries) {
                if (e instanceof Map<?, ?> entry && writer.writes(entry) && entry.get("fieldsV1") instanceof Map<?, ?> f
                        && FieldSets.holds(cast(f), path)) {
                    holding.add(writer);
                    break;
                }
            }
        }
        return holding;
    }

    /** Removes {@code field} from {@code body} (maps left empty by it too); true when it was there. */
    static boolean omit(Map<String, Object> body, List<String> field) {
        Object child = body.get(field.get(0));
        if (field.size() == 1) return body.remove(field.get(0)) != null || child != null;
        if (!(child instanceof Map<?, ?> m)) return false;
        Map<String, Object> inner = cast(m);
        boolean removed = omit(inner, field.subList(1, field.size()));
        if (removed && inner.isEmpty()) body.remove(field.get(0));
        return removed;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> map) {
        return (Map<String, Object>) map;
    }

    @Override
    public String toString() {
        return writers.isEmpty() ? "none" : String.join(", ", writers.stream().map(Writer::toString).toList());
    }
}
