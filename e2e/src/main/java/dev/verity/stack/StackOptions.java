package dev.verity.stack;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to run the local stack.
 *
 * @param workDir      where the broker's data, the Git forge, service logs and kubeconfig live
 * @param fixedPorts   use the well-known ports below ({@code ./verity up}); otherwise free ports (tests, demo)
 * @param pollInterval how often the renderer polls Git besides webhooks
 * @param readyTimeout how long each service may take to become ready
 * @param traces       run an OTLP/HTTP trace collector ({@code OtlpCollector}) and have every service send its spans
 *                     to it ({@code quarkus.otel.exporter.otlp.traces.endpoint})
 */
public record StackOptions(Path workDir, boolean fixedPorts, Duration pollInterval, Duration readyTimeout,
        boolean traces) {

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
        return new StackOptions(workDir, false, Duration.ofSeconds(30), Duration.ofMinutes(3), false);
    }

    /** The well-known ports the README lists ({@code ./verity up}), with the trace collector. */
    public static StackOptions onFixedPorts(Path workDir) {
        return new StackOptions(workDir, true, Duration.ofSeconds(10), Duration.ofMinutes(3), true);
    }

    /** The same, with the trace collector: every service sends its spans to it. */
    public StackOptions withTraces() {
        return new StackOptions(workDir, fixedPorts, pollInterval, readyTimeout, true);
    }
}
