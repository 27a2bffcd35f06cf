package dev.verity.receiver.app;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The configuration keys as an operator sets them: environment variables and system-property style names. */
class ReceiverConfigTest {

    @Test
    void repositoriesAndTheDefaultSecretCanBeSetFromEnvironmentVariables() {
        ReceiverConfig config = config(new EnvConfigSource(Map.of(
                "VERITY_RECEIVER_REPOSITORIES_SHOP_URL", "https://github.com/acme/shop.git",
                "VERITY_RECEIVER_REPOSITORIES_SHOP_SECRET", "env-secret",
                "VERITY_RECEIVER_REPOSITORIES_SHOP_BRANCH", "release",
                "VERITY_RECEIVER_DEFAULT_SECRET", "env-default"), 300));

        assertThat(config.repositories()).containsOnlyKeys("shop");
        assertThat(config.repositories().get("shop").url()).isEqualTo("https://github.com/acme/shop.git");
        assertThat(config.repositories().get("shop").secret()).isEqualTo("env-secret");
        assertThat(config.repositories().get("shop").branch()).contains("release");
        assertThat(config.defaultSecret()).contains("env-default");
    }

    @Test
    void andFromPropertiesOrSystemProperties() {
        ReceiverConfig config = config(new PropertiesConfigSource(Map.of(
                "verity.receiver.repositories.shop.url", "file:///tmp/verity/shop.git",
                "verity.receiver.repositories.shop.secret", "prop-secret"), "test", 400));

        assertThat(config.repositories().get("shop").secret()).isEqualTo("prop-secret");
        assertThat(config.repositories().get("shop").branch()).isEmpty();
        assertThat(config.defaultSecret()).isEmpty();
        assertThat(config.defaultBranch()).isEqualTo("main");
        assertThat(config.publishTimeout()).isEqualTo(Duration.ofSeconds(8));
        assertThat(config.retryAfterSeconds()).isEqualTo(30);
    }

    @Test
    void theUrlAsASystemPropertyAndTheSecretAsAnEnvironmentVariable() {
        // how the local stack starts the receiver: the secret stays off the command line
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(ReceiverConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(Map.of("verity.receiver.repositories.gitops.url",
                        "http://localhost:8090/gitops.git"), "sysprops", 400))
                .withSources(new EnvConfigSource(Map.of("VERITY_RECEIVER_REPOSITORIES_GITOPS_SECRET", "env-secret"), 300))
                .build();
        ReceiverConfig receiver = config.getConfigMapping(ReceiverConfig.class);

        assertThat(receiver.repositories()).containsOnlyKeys("gitops");
        assertThat(receiver.repositories().get("gitops").url()).isEqualTo("http://localhost:8090/gitops.git");
        assertThat(receiver.repositories().get("gitops").secret()).isEqualTo("env-secret");
    }

    @Test
    void nothingConfiguredIsValid() {
        ReceiverConfig config = config(new PropertiesConfigSource(Map.of(), "empty", 400));
        assertThat(config.repositories()).isEmpty();
        assertThat(config.defaultSecret()).isEmpty();
    }

    @Test
    void aRepositoryWithoutSecretFailsNamingTheKey() {
        assertThatThrownBy(() -> config(new PropertiesConfigSource(Map.of(
                "verity.receiver.repositories.shop.url", "https://github.com/acme/shop.git"), "test", 400)))
                .hasMessageContaining("verity.receiver.repositories.shop.secret");
    }

    private static ReceiverConfig config(org.eclipse.microprofile.config.spi.ConfigSource source) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(ReceiverConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter()) // as Quarkus reads "8s"
                .withSources(source).build();
        return config.getConfigMapping(ReceiverConfig.class);
    }
}
