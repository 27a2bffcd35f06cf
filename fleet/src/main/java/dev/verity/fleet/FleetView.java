package dev.verity.fleet;

import dev.verity.events.TargetKey;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the status page shows, as one immutable value: {@code ./verity status --output json} ({@code targets},
 * {@code unreadableRecords}) plus each target's drift and incident history, when it last changed and why it may be
 * stale.
 *
 * @param targets           every target with a desired state, by name, as {@code ./verity status} lists them
 * @param unreadableRecords records that could not be read (events of a newer Verity, poison records)
 * @param history           per target ({@code cluster/app/env}), its drift and incident lines, oldest first
 * @param updatedAt         when the topics were last read up to a change (ISO-8601); null before the first read
 * @param error             why the view may be stale (Kafka unreachable, reading too slow), or null while it is
 *                          being kept up to date
 */
public record FleetView(List<TargetStatus> targets, int unreadableRecords, Map<String, List<EventLine>> history,
        String updatedAt, String error) {

    public FleetView {
        targets = List.copyOf(targets);
        history = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(history));
    }

    /** Nothing read yet ({@code updatedAt} null): {@code why} says what failed, or is null while the first read goes on. */
    public static FleetView nothingYet(String why) {
        return new FleetView(List.of(), 0, Map.of(), null, why);
    }

    /** The fleet as it is now. */
    public static FleetView of(Fleet fleet, Instant updatedAt) {
        List<TargetStatus> targets = fleet.status();
        Map<String, List<EventLine>> history = new LinkedHashMap<>();
        for (TargetStatus t : targets) history.put(t.target(), fleet.history(TargetKey.parse(t.target())));
        return new FleetView(targets, fleet.skipped(), history, updatedAt.toString(), null);
    }

    /** The same view, marked stale for {@code why}. */
    public FleetView stale(String why) {
        return new FleetView(targets, unreadableRecords, history, updatedAt, why);
    }

    /** Only the targets of {@code cluster} (all when it is null or blank). */
    public FleetView ofCluster(String cluster) {
        if (cluster == null || cluster.isBlank()) return this;
        List<TargetStatus> kept = targets.stream().filter(t -> t.target().startsWith(cluster + "/")).toList();
        Map<String, List<EventLine>> keptHistory = new LinkedHashMap<>();
        kept.forEach(t -> keptHistory.put(t.target(), history.getOrDefault(t.target(), List.of())));
        return new FleetView(kept, unreadableRecords, keptHistory, updatedAt, error);
    }
}
