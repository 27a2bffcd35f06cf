package dev.verity.stack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * How to run the local stack.
 *
 * @param workDir      where the broker's data, the Git forge, service logs and kubeconfig live
 * @param fixedPorts   use the well-known ports below ({@code ./verity up}); otherwise free ports (tests, demo)
 * @param pollInterval how often the renderer polls Git besides webhooks
 * @param readyTimeout how long each service may take to become ready
 * @param serviceProperties more system properties given to every service process (after the stack's own, so they
 *                     win), e.g. {@code kafka.session.timeout.ms}; a service ignores those it does not read
 * @param traces       run an OTLP/HTTP trace collector ({@code OtlpCollector}) and have every service send its spans
 *                     to it ({@code quarkus.otel.exporter.otlp.traces.endpoint})
 */
public record StackOptions(Path workDir, boolean fixedPorts, Duration pollInterval, Duration readyTimeout,
        Map<String, String> serviceProperties, boolean traces) {

    public StackOptions {
        serviceProperties = serviceProperties == null ? Map.of() : Map.copyOf(serviceProperties);
    }

    public StackOptions(Path workDir, boolean fixedPorts, Duration pollInterval, Duration readyTimeout) {
        this(workDir, fixedPorts, pollInterval, readyTimeout, Map.of(), false);
    }

    /** These options with {@code properties} given to every service process as well. */
    public StackOptions withServiceProperties(Map<String, String> properties) {
        Map<String, String> all = new java.util.LinkedHashMap<>(serviceProperties);
        all.putAll(properties);
        return new StackOptions(workDir, fixedPorts, pollInterval, readyTimeout, all, traces);
    }

    /** These options with the renderer polling Git every {@code interval}. */
    public StackOptions withPollInterval(Duration interval) {
        return new StackOptions(workDir, fixedPorts, interval, readyTimeout, serviceProperties, traces);
    }

    /** These options with the trace collector: every service sends its spans to it. */
    public StackOptions withTraces() {
        return new StackOptions(workDir, fixedPorts, pollInterval, readyTimeout, serviceProperties, true);
    }

    public static final int KAFKA_PORT = 9092;
    public static final int SANDBOX_PORT = 6443;
    public static final int SMTP_PORT = 2525;
    public static final int SLACK_PORT = 8090;
    public static final int FORGE_PORT = 8091;
    /** The local forge's commit statuses API (GitHub's, recorded: {@code ForgeStatusRecorder}). */
    public static final int FORGE_API_PORT = 8092;
    public static final int RECEIVER_PORT = 8081;
    public static final int RENDERER_PORT = 8082;
    public static final int APPLIER_PORT = 8083;
    public static final int DRIFT_PORT = 8084;
    public static final int NOTIFIER_PORT = 8085;
    /** The trace collector (OTLP/HTTP's usual port). */
    public static final int TRACES_PORT = 4318;

    /** Free ports (tests, {@code ./verity demo}): runs beside anything else, including {@code ./verity up}. */
    public static StackOptions onFreePorts(Path workDir) {
        return new StackOptions(workDir, false, Duration.ofSeconds(30), Duration.ofMinutes(3));
    }

    /** The well-known ports the README lists ({@code ./verity up}), with the trace collector. */
    public static StackOptions onFixedPorts(Path workDir) {
        return new StackOptions(workDir, true, Duration.ofSeconds(10), Duration.ofMinutes(3)).withTraces();
    }

}
