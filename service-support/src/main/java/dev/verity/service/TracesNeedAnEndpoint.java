package dev.verity.service;

import io.smallrye.config.ConfigSourceInterceptor;
import io.smallrye.config.ConfigSourceInterceptorContext;
import io.smallrye.config.ConfigValue;
import io.smallrye.config.Priorities;
import jakarta.annotation.Priority;

/**
 * Traces are off until someone says where to send them. The OpenTelemetry extension's exporter falls back to
 * {@code http://localhost:4317} when no endpoint is configured and then logs an export error every few seconds; so
 * when neither {@code quarkus.otel.exporter.otlp.traces.endpoint} nor {@code quarkus.otel.exporter.otlp.endpoint} is
 * set, this answers {@code quarkus.otel.sdk.disabled=true} (unless that is set explicitly): no spans, no export
 * attempts, and events carry the traceparent derived from their repository and commit, as without the extension.
 * Registered in {@code META-INF/services/io.smallrye.config.ConfigSourceInterceptor}.
 */
@Priority(Priorities.APPLICATION)
public class TracesNeedAnEndpoint implements ConfigSourceInterceptor {

    static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";
    static final String TRACES_ENDPOINT = "quarkus.otel.exporter.otlp.traces.endpoint";
    static final String ENDPOINT = "quarkus.otel.exporter.otlp.endpoint";

    /**
     * Sources at or below this ordinal hold defaults, not settings: SmallRye's and Quarkus' default-value sources sit
     * at {@code Integer.MIN_VALUE} (and a little above), and the extension declares defaults for both properties.
     */
    static final int DEFAULTS = Integer.MIN_VALUE + 1000;

    @Override
    public ConfigValue getValue(ConfigSourceInterceptorContext context, String name) {
        ConfigValue value = context.proceed(name);
        if (!SDK_DISABLED.equals(name) || set(value)) return value;
        if (set(context.proceed(TRACES_ENDPOINT)) || set(context.proceed(ENDPOINT))) return value;
        return ConfigValue.builder().withName(name).withValue("true").withConfigSourceOrdinal(value == null ? 0
                : value.getConfigSourceOrdinal()).withConfigSourceName("Verity: no " + TRACES_ENDPOINT + " set, traces off")
                .build();
    }

    /** Whether someone set the property (a default does not count). */
    private static boolean set(ConfigValue value) {
        return value != null && value.getValue() != null && !value.getValue().isBlank()
                && value.getConfigSourceOrdinal() > DEFAULTS;
    }
}
