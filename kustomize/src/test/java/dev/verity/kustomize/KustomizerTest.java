package dev.verity.kustomize;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's own contract: what a build records, its errors for what it refuses, and its deadline. */
class KustomizerTest {

    private static final String CONFIG_MAP = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n";

    @Test
    void recordsEveryFileReadAndEveryPathProbedIncludingAbsentKustomizationNames() {
        MapFileSystem fs = new MapFileSystem()
                .put("/repo/app/overlay/kustomization.yaml", "resources:\n- ../base\n- extra.yaml\n")
                .put("/repo/app/overlay/extra.yaml", CONFIG_MAP.replace("settings", "extra"))
                .put("/repo/app/base/Kustomization", "resources:\n- cm.yaml\n")
                .put("/repo/app/base/cm.yaml", CONFIG_MAP);

        BuildResult result = new Kustomizer(fs).build("/repo/app/overlay");

        assertThat(result.resources()).hasSize(2);
        assertThat(result.readFiles()).containsExactlyInAnyOrder("/repo/app/overlay/kustomization.yaml",
                "/repo/app/overlay/extra.yaml", "/repo/app/base/Kustomization", "/repo/app/base/cm.yaml");
        assertThat(result.probedPaths()).contains("/repo/app/overlay/kustomization.yml",
                "/repo/app/overlay/Kustomization", "/repo/app/base/kustomization.yaml",
                "/repo/app/base/kustomization.yml", "/repo/app/base", "/repo/app/overlay/extra.yaml");
        assertThat(result.listedDirectories()).isEmpty();
    }

    @Test
    void twoKustomizationFilesInOneDirectoryAreAnError() {
        MapFileSystem fs = new MapFileSystem()
                .put("/k/kustomization.yaml", "resources: []\n")
                .put("/k/kustomization.yml", "resources: []\n");
        assertThatThrownBy(() -> new Kustomizer(fs).build("/k"))
                .hasMessageContaining("found multiple kustomization files under: /k");
    }

    @Test
    void aDirectoryWithoutKustomizationIsAnErrorNamingTheThreeNames() {
        MapFileSystem fs = new MapFileSystem().put("/k/kustomization.yaml", "resources:\n- ../other\n")
                .put("/other/cm.yaml", CONFIG_MAP);
        assertThatThrownBy(() -> new Kustomizer(fs).build("/k"))
                .hasMessageContaining("unable to find one of 'kustomization.yaml', 'kustomization.yml' or "
                        + "'Kustomization' in directory '/other'");
    }

    @Test
    void aSymlinkPointingOutsideTheKustomizationIsRefused(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("outside"));
        Files.createDirectories(dir.resolve("app"));
        Files.writeString(dir.resolve("outside/cm.yaml"), CONFIG_MAP);
        Files.createSymbolicLink(dir.resolve("app/cm.yaml"), Path.of("../outside/cm.yaml"));
        Files.writeString(dir.resolve("app/kustomization.yaml"), "resources:\n- cm.yaml\n");
        assertThatThrownBy(() -> Kustomizer.onDisk().build(dir.resolve("app").toString()))
                .hasMessageContaining("security; file '" + dir.toRealPath().resolve("outside/cm.yaml")
                        + "' is not in or below '" + dir.toRealPath().resolve("app") + "'");
    }

    @Test
    void generatorFilesOutsideTheKustomizationAreRefusedToo() {
        MapFileSystem fs = new MapFileSystem()
                .put("/repo/app/kustomization.yaml", "configMapGenerator:\n- name: x\n  files:\n  - ../secret.txt\n")
                .put("/repo/secret.txt", "s3cr3t");
        assertThatThrownBy(() -> new Kustomizer(fs).build("/repo/app")).hasMessageContaining("is not in or below");
    }

    @Test
    void remoteResourcesAreRefusedWithoutTouchingTheNetwork() {
        MapFileSystem fs = new MapFileSystem().put("/k/kustomization.yaml",
                "resources:\n- https://github.com/kubernetes-sigs/kustomize//examples/helloWorld?ref=v5.5.0\n");
        assertThatThrownBy(() -> new Kustomizer(fs).build("/k"))
                .hasMessageContaining("is a remote resource")
                .hasMessageContaining("/k/kustomization.yaml");
        MapFileSystem git = new MapFileSystem().put("/k/kustomization.yaml",
                "resources:\n- github.com/acme/deploy/base?ref=main\n");
        assertThatThrownBy(() -> new Kustomizer(git).build("/k")).hasMessageContaining("is a remote resource");
    }

    @Test
    void fieldsTheEngineDoesNotImplementAreErrorsNamingFieldAndFile() {
        for (String field : new String[] {"vars:\n- name: X\n", "configurations:\n- c.yaml\n",
            "transformers:\n- t.yaml\n", "generators:\n- g.yaml\n", "helmCharts:\n- name: x\n",
            "openapi:\n  path: s.json\n", "crds:\n- crd.json\n"}) {
            String name = field.substring(0, field.indexOf(':'));
            MapFileSystem fs = new MapFileSystem().put("/k/kustomization.yaml", field);
            assertThatThrownBy(() -> new Kustomizer(fs).build("/k"))
                    .as(name)
                    .hasMessageContaining("'" + name + "'")
                    .hasMessageContaining("/k/kustomization.yaml");
        }
    }

    @Test
    void patchFieldsAreNotSupportedYetAndSaySo() {
        for (String field : new String[] {"patches:\n- path: p.yaml\n", "patchesStrategicMerge:\n- p.yaml\n",
            "patchesJson6902:\n- path: p.yaml\n  target:\n    kind: Deployment\n    name: x\n"}) {
            String name = field.substring(0, field.indexOf(':'));
            MapFileSystem fs = new MapFileSystem().put("/k/kustomization.yaml", field);
            assertThatThrownBy(() -> new Kustomizer(fs).build("/k"))
                    .hasMessageContaining("'" + name + "'")
                    .hasMessageContaining("not supported yet")
                    .hasMessageContaining("/k/kustomization.yaml");
        }
    }

    @Test
    void unknownFieldsAndComponentsListedAsResourcesAreErrors() {
        MapFileSystem typo = new MapFileSystem().put("/k/kustomization.yaml", "namePrefx: a-\n");
        assertThatThrownBy(() -> new Kustomizer(typo).build("/k"))
                .hasMessageContaining("unknown field \"namePrefx\" in /k/kustomization.yaml");
        MapFileSystem component = new MapFileSystem()
                .put("/k/kustomization.yaml", "resources:\n- ../c\n")
                .put("/c/kustomization.yaml", "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\n"
                        + "namespace: x\n");
        assertThatThrownBy(() -> new Kustomizer(component).build("/k"))
                .hasMessageContaining("expected kind != 'Component' for path '/c'");
    }

    /**
     * Two directories per level, each listing both directories of the next level under its own prefix: the build
     * doubles per level (2^22 resources for 22 levels) while the input stays tiny. The deadline stops it.
     */
    @Test
    void aBuildThatExplodesFailsAtItsDeadline() {
        MapFileSystem fs = new MapFileSystem().put("/top/kustomization.yaml", "resources:\n- ../l0/a\n");
        int levels = 22;
        for (int level = 0; level < levels; level++) {
            for (String side : new String[] {"a", "b"}) {
                fs.put("/l" + level + "/" + side + "/kustomization.yaml", "namePrefix: " + side + "-\nresources:\n"
                        + "- ../../l" + (level + 1) + "/a\n- ../../l" + (level + 1) + "/b\n");
            }
        }
        for (String side : new String[] {"a", "b"}) {
            fs.put("/l" + levels + "/" + side + "/kustomization.yaml", "resources:\n- cm.yaml\n")
                    .put("/l" + levels + "/" + side + "/cm.yaml", CONFIG_MAP.replace("settings", side));
        }
        long start = System.nanoTime();
        assertThatThrownBy(() -> new Kustomizer(fs).build("/top", Duration.ofMillis(300)))
                .isInstanceOf(DeadlineExceededException.class)
                .hasMessageContaining("exceeded its deadline of 300 ms");
        System.out.printf("exploding build stopped by its 300 ms deadline after %d ms%n",
                (System.nanoTime() - start) / 1_000_000);
    }

    @Test
    void aHugeGeneratorFailsAtItsDeadline() {
        StringBuilder env = new StringBuilder();
        for (int i = 0; i < 2_000_000; i++) {
            env.append("KEY_").append(i).append("=value\n");
        }
        MapFileSystem fs = new MapFileSystem()
                .put("/k/kustomization.yaml", "configMapGenerator:\n- name: huge\n  envs:\n  - huge.env\n")
                .put("/k/huge.env", env.toString());
        assertThatThrownBy(() -> new Kustomizer(fs).build("/k", Duration.ofMillis(50)))
                .isInstanceOf(DeadlineExceededException.class)
                .hasMessageContaining("/k");
    }
}
