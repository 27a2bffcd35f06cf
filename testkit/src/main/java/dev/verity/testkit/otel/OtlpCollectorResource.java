package dev.verity.testkit.otel;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Starts an {@link OtlpCollector} for a {@code @QuarkusTest} and sends the service's traces to it: sets
 * {@code quarkus.otel.exporter.otlp.traces.endpoint} (which turns a Verity service's traces on) and a short export
 * delay. Use with {@code restrictToAnnotatedClass = true}; the running collector is {@link #collector()}.
 */
public class OtlpCollectorResource implements QuarkusTestResourceLifecycleManager {

    private static volatile OtlpCollector current;

    /** The collector of the test class that is running. */
    public static OtlpCollector collector() {
        OtlpCollector collector = current;
        if (collector == null) throw new IllegalStateException("no OtlpCollectorResource is running for this test");
        return collector;
    }

    @Override
    public Map<String, String> start() {
        current = OtlpCollector.start();
        return Map.of("quarkus.otel.exporter.otlp.traces.endpoint", current.url(),
                "quarkus.otel.bsp.schedule.delay", "200ms");
    }

    @Override
    public void stop() {
        OtlpCollector collector = current;
        current = null;
        if (collector != null) collector.close();
    }
}
