package dev.verity.receiver.app;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.EnvConfigSource;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
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
        assertThat(config.repositories().get("shop").secret()).contains("env-secret");
        assertThat(config.repositories().get("shop").branch()).contains("release");
        assertThat(config.defaultSecret()).contains("env-default");
    }

    @Test
    void andFromPropertiesOrSystemProperties() {
        ReceiverConfig config = config(new PropertiesConfigSource(Map.of(
                "verity.receiver.repositories.shop.url", "file:///tmp/verity/shop.git",
                "verity.receiver.repositories.shop.secret", "prop-secret"), "test", 400));

        assertThat(config.repositories().get("shop").secret()).contains("prop-secret");
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
        assertThat(receiver.repositories().get("gitops").secret()).contains("env-secret");
    }

    @Test
    void nothingConfiguredIsValid() {
        ReceiverConfig config = config(new PropertiesConfigSource(Map.of(), "empty", 400));
        assertThat(config.repositories()).isEmpty();
        assertThat(config.defaultSecret()).isEmpty();
    }

    @Test
    void aRepositoryWithoutSecretFailsNamingTheKey() {
        ReceiverConfig config = config(new PropertiesConfigSource(Map.of(
                "verity.receiver.repositories.shop.url", "https://github.com/acme/shop.git"), "test", 400));
        assertThatThrownBy(() -> ReceiverBeans.registryOf(config))
                .hasMessageContaining("verity.receiver.repositories.shop.secret is empty");
    }

    @Test
    void secretsAndSigningKeysCanComeFromFilesAndTheForgeAndReplayWindowFromKeys(@TempDir Path dir) throws Exception {
        Path secret = Files.writeString(dir.resolve("token"), "file-token\n");
        Path keys = Files.writeString(dir.resolve("keys"), "whsec_" + java.util.Base64.getEncoder().encodeToString(new byte[32])
                + "\n\nwhsec_" + java.util.Base64.getEncoder().encodeToString(new byte[]{1, 2, 3}) + "\n");
        ReceiverConfig config = config(new PropertiesConfigSource(Map.of(
                "verity.receiver.repositories.shop.url", "https://gitlab.com/acme/shop.git",
                "verity.receiver.repositories.shop.secret-file", secret.toString(),
                "verity.receiver.repositories.shop.signing-key-file", keys.toString(),
                "verity.receiver.repositories.shop.forge", "gitlab",
                "verity.receiver.replay-window", "2m"), "test", 400));

        dev.verity.receiver.RepositorySettings shop = ReceiverBeans.registryOf(config).byId("shop").orElseThrow();
        assertThat(shop.secret()).isEqualTo("file-token");
        assertThat(shop.signingKeys()).hasSize(2);
        assertThat(shop.forge()).contains("gitlab");
        assertThat(config.replayWindow()).isEqualTo(Duration.ofMinutes(2));
        assertThat(shop.toString()).doesNotContain("file-token").doesNotContain("whsec_");
    }

    @Test
    void anUnreadableSecretFileOrABadSigningKeyFailsNamingTheKeyNotTheValue(@TempDir Path dir) {
        ReceiverConfig missing = config(new PropertiesConfigSource(Map.of(
                "verity.receiver.repositories.shop.url", "https://gitlab.com/acme/shop.git",
                "verity.receiver.repositories.shop.secret-file", dir.resolve("absent").toString()), "test", 400));
        assertThatThrownBy(() -> ReceiverBeans.registryOf(missing))
                .hasMessageContaining("verity.receiver.repositories.shop.secret-file names " + dir.resolve("absent"));

        ReceiverConfig badKey = config(new PropertiesConfigSource(Map.of(
                "verity.receiver.repositories.shop.url", "https://gitlab.com/acme/shop.git",
                "verity.receiver.repositories.shop.secret", "token",
                "verity.receiver.repositories.shop.signing-key", "whsec_not*base64!"), "test", 400));
        assertThatThrownBy(() -> ReceiverBeans.registryOf(badKey))
                .hasMessageContaining("verity.receiver.repositories.shop.signing-key: a signing key must be whsec_")
                .hasMessageNotContaining("not*base64");
    }

    @Test
    void theProducerTakesTheServicesConnectionSettingsAndNeverBlocksItsCaller() {
        ReceiverConfig config = config(new PropertiesConfigSource(Map.of(
                "verity.receiver.producer.linger", "1ms"), "test", 400));
        Map<String, Object> settings = CommitProducer.settings(Map.of(
                "bootstrap.servers", "kafka-0:9093",
                "security.protocol", "SSL",
                "auto.offset.reset", "earliest"), config.producer());

        assertThat(settings).containsEntry("bootstrap.servers", "kafka-0:9093").containsEntry("security.protocol", "SSL")
                .doesNotContainKey("auto.offset.reset") // a consumer's setting
                .containsEntry("acks", "all").containsEntry("linger.ms", "1")
                // the event loop hands events to the producer: a send must never wait for metadata or memory
                .containsEntry("max.block.ms", "0");
    }

    private static ReceiverConfig config(org.eclipse.microprofile.config.spi.ConfigSource source) {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withMapping(ReceiverConfig.class)
                .withConverter(Duration.class, 100, new DurationConverter()) // as Quarkus reads "8s"
                .withSources(source).build();
        return config.getConfigMapping(ReceiverConfig.class);
    }
}
