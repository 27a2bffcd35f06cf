package dev.verity.service;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TracesNeedAnEndpointTest {

    /** The extension's own defaults, in a default-values source as Quarkus has them. */
    static final Map<String, String> EXTENSION_DEFAULTS = Map.of(TracesNeedAnEndpoint.SDK_DISABLED, "false",
            TracesNeedAnEndpoint.TRACES_ENDPOINT, "http://localhost:4317/");

    private static SmallRyeConfig config(Map<String, String> properties) {
        return new SmallRyeConfigBuilder().withInterceptors(new TracesNeedAnEndpoint())
                .withSources(new PropertiesConfigSource(EXTENSION_DEFAULTS, "defaults", Integer.MIN_VALUE))
                .withSources(new PropertiesConfigSource(properties, "test", 250)).build();
    }

    private static String sdkDisabled(Map<String, String> properties) {
        return config(properties).getOptionalValue(TracesNeedAnEndpoint.SDK_DISABLED, String.class).orElse(null);
    }

    @Test
    void withoutAnEndpointTracesAreOffWhateverTheExtensionsDefaultsSay() {
        assertThat(sdkDisabled(Map.of())).isEqualTo("true");
        assertThat(sdkDisabled(Map.of(TracesNeedAnEndpoint.TRACES_ENDPOINT, " "))).as("blank is unset").isEqualTo("true");
    }

    @Test
    void aTracesEndpointOrTheGeneralOneTurnsThemOn() {
        assertThat(sdkDisabled(Map.of(TracesNeedAnEndpoint.TRACES_ENDPOINT, "http://collector:4318")))
                .as("the extension's default").isEqualTo("false");
        assertThat(sdkDisabled(Map.of(TracesNeedAnEndpoint.ENDPOINT, "http://collector:4318"))).isEqualTo("false");
    }

    @Test
    void anExplicitSettingWins() {
        assertThat(sdkDisabled(Map.of(TracesNeedAnEndpoint.SDK_DISABLED, "false"))).isEqualTo("false");
        assertThat(sdkDisabled(Map.of(TracesNeedAnEndpoint.SDK_DISABLED, "true",
                TracesNeedAnEndpoint.TRACES_ENDPOINT, "http://collector:4318"))).isEqualTo("true");
    }

    @Test
    void otherPropertiesPassThrough() {
        assertThat(config(Map.of("quarkus.http.port", "8081")).getValue("quarkus.http.port", String.class))
                .isEqualTo("8081");
    }
}
