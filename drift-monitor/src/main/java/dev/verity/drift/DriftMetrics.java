package dev.verity.drift;

import dev.verity.drift.core.DriftTracker;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftKind;
import dev.verity.events.DriftResolved;
import dev.verity.events.DriftUnknown;
import dev.verity.events.DriftUpdated;
import dev.verity.events.TargetEvent;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.Locale;

/**
 * The drift monitor's {@code verity_*} metrics. Counted once Kafka acknowledged the event:
 * {@code verity_drift_detected_total{cluster,kind=modified|deleted|unexpected}} (objects found drifted),
 * {@code verity_drift_updated_total{cluster}} (open drift whose fields changed),
 * {@code verity_drift_resolved_total{cluster}} (drifted objects that match their desired state again),
 * {@code verity_drift_unknown_total{cluster}} (objects or targets that could not be compared) and
 * {@code verity_drift_api_requests_total{cluster,kind=list|relist|watch|watch_restart|get,resource}} (the requests
 * the monitor sent the API server: a relist is a list of a resource after its first, as after 410 Gone; a watch
 * restart a watch after its first, as after the server closed one; {@code resource} is group/version/plural),
 * {@code verity_drift_detection_latency_seconds{cluster}} (a histogram, from the write's managedFields time, whole
 * seconds, to detection; only for writes after the monitor became ready). Read from the tracker at each scrape:
 * {@code verity_drift_open_objects{cluster}} and {@code verity_drift_open_targets{cluster}} (drift reported and not
 * resolved), {@code verity_drift_unknown_objects{cluster}}. It does not detect anything.
 */
@Singleton
public class DriftMetrics {

    private final MeterRegistry registry;
    private final String cluster;

    DriftMetrics(MeterRegistry registry, DriftConfig config) {
        this.registry = registry;
        this.cluster = config.cluster();
        for (DriftKind kind : DriftKind.values()) detected(config.cluster(), kind);
        resolved(config.cluster());
        counter("verity.drift.updated", "Open drift whose set of drifted fields changed", cluster);
        counter("verity.drift.unknown", "Objects or targets whose drift could not be told (API errors, unreadable"
                + " desired states)", cluster);
        latency(cluster);
    }

    /** Publishes the tracker's open drift as gauges, read at each scrape. */
    void watch(DriftTracker tracker) {
        Gauge.builder("verity.drift.open.objects", tracker, t -> t.open().objects())
                .description("Objects with drift reported and not resolved").tag("cluster", cluster).register(registry);
        Gauge.builder("verity.drift.open.targets", tracker, t -> t.open().targets())
                .description("Targets with at least one object drifted").tag("cluster", cluster).register(registry);
        Gauge.builder("verity.drift.unknown.objects", tracker, t -> t.open().unknown())
                .description("Objects whose drift cannot be told now").tag("cluster", cluster).register(registry);
    }

    /** Counts a drift event Kafka acknowledged. */
    void published(TargetEvent event) {
        if (event instanceof DriftDetected d) {
            detected(d.target().cluster(), d.kind()).increment();
            if (d.latencyMillis() != null) latency(d.target().cluster()).record(Duration.ofMillis(d.latencyMillis()));
        } else if (event instanceof DriftUpdated u) {
            counter("verity.drift.updated", "Open drift whose set of drifted fields changed", u.target().cluster())
                    .increment();
            if (u.latencyMillis() != null) latency(u.target().cluster()).record(Duration.ofMillis(u.latencyMillis()));
        } else if (event instanceof DriftUnknown u) {
            counter("verity.drift.unknown", "Objects or targets whose drift could not be told (API errors, unreadable"
                    + " desired states)", u.target().cluster()).increment();
        } else if (event instanceof DriftResolved r) {
            resolved(r.target().cluster()).increment();
        }
    }

    /** Counts one request sent to the API server (pages after a list's first and writes are not counted). */
    void request(ApiRequests.Kind kind, String resource) {
        if (kind == ApiRequests.Kind.OTHER) return;
        Counter.builder("verity.drift.api.requests")
                .description("Requests to the Kubernetes API server by kind: list, relist (a list after the first of"
                        + " its resource, as after 410 Gone), watch, watch_restart (a watch after the first), get")
                .tags("cluster", cluster, "kind", kind.name().toLowerCase(Locale.ROOT), "resource", resource)
                .register(registry).increment();
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

    private Counter counter(String name, String description, String cluster) {
        return Counter.builder(name).description(description).tag("cluster", cluster).register(registry);
    }

    private Timer latency(String cluster) {
        return Timer.builder("verity.drift.detection.latency")
                .description("From the write that caused drift (its managedFields time, whole seconds) to detection")
                .tag("cluster", cluster)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(100))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }
}
