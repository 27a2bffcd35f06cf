package dev.verity.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** docs/configuration.md is what the generator makes of the sources today, and the generator reads what a mapping declares. */
class ConfigReferenceTest {

    static final Path ROOT = Service.repositoryRoot(Path.of(""));

    @Test
    void theReferenceInDocsIsUpToDate() throws IOException {
        String expected = ConfigReference.render(new ConfigCatalog(ROOT));
        String actual = Files.readString(ROOT.resolve(ConfigReference.FILE));

        assertThat(actual).as(ConfigReference.FILE + " is out of date with the services' configuration: run "
                + ConfigReference.REGENERATE + " and commit the result").isEqualTo(expected);
    }

    @Test
    void everyServiceHasItsSectionWithItsRequiredSettings() throws IOException {
        String doc = Files.readString(ROOT.resolve(ConfigReference.FILE));
        for (Service s : Service.values()) assertThat(doc).contains("\n## " + s.module() + "\n");
        assertThat(doc).contains("| `verity.applier.cluster` | `VERITY_APPLIER_CLUSTER` | (required) |")
                .contains("| `verity.drift.cluster` | `VERITY_DRIFT_CLUSTER` | (required) |")
                .contains("| `quarkus.http.port` | `QUARKUS_HTTP_PORT` | `8085` |");
    }

    @Test
    void aMappingsGroupsMapsListsDefaultsAndJavadocBecomePropertiesAlsoFromAGroupInAFileOfItsOwn(@TempDir Path root) throws IOException {
        Files.writeString(root.resolve("pom.xml"), "<project/>");
        Files.createDirectories(root.resolve("deploy"));
        Files.createDirectories(root.resolve("events"));
        for (Service s : Service.values()) {
            Files.createDirectories(s.applicationProperties(root).getParent());
            Files.writeString(s.applicationProperties(root), "# the port\nquarkus.http.port=9000\n%test.quarkus.http.port=0\n");
        }
        Path source = root.resolve("webhook-receiver/src/main/java/x/Config.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, """
                package x;
                @ConfigMapping(prefix = "verity.receiver")
                public interface Config {
                    /** Forges by {@code id}. */
                    Map<String, Forge> forges();

                    /**
                     * How long to wait,
                     * at most.
                     */
                    @WithDefault("5s")
                    Duration waitForIt();

                    Optional<List<Hook>> hooks();

                    Limits limits();

                    Routing routing();

                    interface Forge {
                        /** Where it is. */
                        URI url();
                    }

                    interface Hook {
                        @WithDefault("main")
                        String branch();
                    }

                    interface Limits {
                        /** Bytes. */
                        Optional<Long> maxBytes();
                    }
                }
                """);

        Files.writeString(source.resolveSibling("Routing.java"), """
                package x;
                /** Where alerts go. */
                public interface Routing {
                    /** Rules by name. */
                    Map<String, Rule> rules();

                    interface Rule {
                        /** The targets it matches. */
                        @WithDefault("*/*/*")
                        String match();

                        Optional<List<String>> destinations();
                    }
                }
                """);

        Map<String, ConfigProperty> found = new ConfigCatalog(root).of(Service.WEBHOOK_RECEIVER);

        assertThat(found.get("verity.receiver.forges.<id>.url")).extracting(ConfigProperty::defaultValue, ConfigProperty::meaning)
                .containsExactly(ConfigProperty.REQUIRED, "Where it is.");
        assertThat(found.get("verity.receiver.wait-for-it")).extracting(ConfigProperty::defaultValue, ConfigProperty::meaning,
                ConfigProperty::envName).containsExactly("5s", "How long to wait, at most.", "VERITY_RECEIVER_WAIT_FOR_IT");
        assertThat(found.get("verity.receiver.hooks[<n>].branch").defaultValue()).isEqualTo("main");
        assertThat(found.get("verity.receiver.limits.max-bytes")).extracting(ConfigProperty::defaultValue, ConfigProperty::meaning)
                .containsExactly(ConfigProperty.UNSET, "Bytes.");
        assertThat(found.get("verity.receiver.routing.rules.<id>.match")).extracting(ConfigProperty::defaultValue,
                ConfigProperty::meaning).containsExactly("*/*/*", "The targets it matches.");
        assertThat(found.get("verity.receiver.routing.rules.<id>.destinations").defaultValue()).isEqualTo(ConfigProperty.UNSET);
        assertThat(found.get("quarkus.http.port")).extracting(ConfigProperty::defaultValue).isEqualTo("9000");
        assertThat(found).doesNotContainKey("%test.quarkus.http.port");
        assertThat(found.get("verity.receiver.forges.<id>.url").matchesEnv("VERITY_RECEIVER_FORGES_GITEA_EU_URL")).isTrue();
        assertThat(ConfigReference.render(new ConfigCatalog(root))).contains("| `verity.receiver.wait-for-it` |");
    }
}
