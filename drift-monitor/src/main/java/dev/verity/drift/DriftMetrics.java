package dev.verity.drift;

import dev.verity.events.DriftDetected;
import dev.verity.events.DriftKind;
import dev.verity.events.DriftResolved;
import dev.verity.events.TargetEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

import java.util.Locale;

/**
 * The drift monitor's {@code verity_*} metrics, counted once Kafka acknowledged the event:
 * {@code verity_drift_detected_total{cluster,kind=modified|deleted|unexpected}} (objects found drifted) and
 * {@code verity_drift_resolved_total{cluster}} (drifted objects that match their desired state again). It does not
 * detect anything.
 */
@Singleton
public class DriftMetrics {

    private final MeterRegistry registry;

    DriftMetrics(MeterRegistry registry, DriftConfig config) {
        this.registry = registry;
        for (DriftKind kind : DriftKind.values()) detected(config.cluster(), kind);
        resolved(config.cluster());
    }

    /** Counts a drift event Kafka acknowledged. */
    void published(TargetEvent event) {
        if (event instanceof DriftDetected d) {
            detected(d.target().cluster(), d.kind()).increment();
        } else if (event instanceof DriftResolved r) {
            resolved(r.target().cluster()).increment();
        }
    }

    private Counter detected(String cluster, DriftKind kind) {
        return Counter.builder("verity.drift.detected")
                .description("Objects found drifted from their desired state, by how they differ")
                .tags("cluster", cluster, "kind", kind.name().toLowerCase(Locale.ROOT))
                .register(registry);
    }

    private Counter resolved(String cluster) {
        return Counter.builder("verity.drift.resolved")
                .description("Drifted objects found matching their desired state again")
                .tag("cluster", cluster)
                .register(registry);
    }
}
