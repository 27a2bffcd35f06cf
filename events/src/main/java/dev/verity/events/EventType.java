package dev.verity.events;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** The versioned CloudEvents type of each event record, and the service that produces it. */
public enum EventType {
    COMMIT_PUSHED(CommitPushed.class, "dev.verity.commit.pushed.v1", "webhook-receiver"),
    REF_DELETED(RefDeleted.class, "dev.verity.ref.deleted.v1", "webhook-receiver"),
    DESIRED_STATE(DesiredState.class, "dev.verity.desired.state.v1", "renderer"),
    TARGET_REMOVED(TargetRemoved.class, "dev.verity.target.removed.v1", "renderer"),
    RENDER_FAILED(RenderFailed.class, "dev.verity.render.failed.v1", "renderer"),
    REMOVAL_HELD(RemovalHeld.class, "dev.verity.render.removal-held.v1", "renderer"),
    RENDERED(Rendered.class, "dev.verity.render.rendered.v1", "renderer"),
    APPLY_STARTED(ApplyStarted.class, "dev.verity.rollout.started.v1", "applier"),
    APPLIED(Applied.class, "dev.verity.rollout.applied.v1", "applier"),
    APPLY_FAILED(ApplyFailed.class, "dev.verity.rollout.failed.v1", "applier"),
    PRUNED(Pruned.class, "dev.verity.rollout.pruned.v1", "applier"),
    PROGRESSING(Progressing.class, "dev.verity.rollout.progressing.v1", "applier"),
    HEALTHY(Healthy.class, "dev.verity.rollout.healthy.v1", "applier"),
    DEGRADED(Degraded.class, "dev.verity.rollout.degraded.v1", "applier"),
    WAITING(Waiting.class, "dev.verity.rollout.waiting.v1", "applier"),
    APPLY_SUSPENDED(ApplySuspended.class, "dev.verity.rollout.suspended.v1", "applier"),
    APPLIED_STATE(AppliedState.class, "dev.verity.applied.state.v1", "applier"),
    DRIFT_DETECTED(DriftDetected.class, "dev.verity.drift.detected.v1", "drift-monitor"),
    DRIFT_UPDATED(DriftUpdated.class, "dev.verity.drift.updated.v1", "drift-monitor"),
    DRIFT_RESOLVED(DriftResolved.class, "dev.verity.drift.resolved.v1", "drift-monitor"),
    DRIFT_UNKNOWN(DriftUnknown.class, "dev.verity.drift.unknown.v1", "drift-monitor"),
    SYNC_REQUESTED(SyncRequested.class, "dev.verity.request.sync.v1", "cli");

    private final Class<? extends VerityEvent> recordClass;
    private final String type;
    private final String producer;

    EventType(Class<? extends VerityEvent> recordClass, String type, String producer) {
        this.recordClass = recordClass;
        this.type = type;
        this.producer = producer;
    }

    public Class<? extends VerityEvent> recordClass() {
        return recordClass;
    }

    public String type() {
        return type;
    }

    /** The CloudEvents {@code source}: {@code /verity/<producer>}. */
    public String source() {
        return "/verity/" + producer;
    }

    /** The type of events of {@code recordClass}; every event encoded and described asks, so it is a map lookup. */
    public static EventType of(Class<?> recordClass) {
        EventType type = BY_CLASS.get(recordClass);
        if (type == null) throw new IllegalArgumentException("no event type for " + recordClass.getName());
        return type;
    }

    /** The known type named {@code type}, if this version knows it. */
    public static Optional<EventType> find(String type) {
        return Optional.ofNullable(type == null ? null : BY_NAME.get(type));
    }

    private static final Map<Class<?>, EventType> BY_CLASS = new HashMap<>();
    private static final Map<String, EventType> BY_NAME = new HashMap<>();

    static {
        for (EventType t : values()) {
            BY_CLASS.putIfAbsent(t.recordClass, t);
            BY_NAME.putIfAbsent(t.type, t);
        }
    }

    public static EventType ofType(String type) {
        return find(type)
                .orElseThrow(() -> new EventFormatException("unknown event type '" + type + "'; this consumer knows "
                        + Arrays.stream(values()).map(EventType::type).toList()));
    }
}
