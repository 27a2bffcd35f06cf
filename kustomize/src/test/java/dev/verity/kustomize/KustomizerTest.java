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
    void aResourceClimbingAboveTheRootIsMissingAndTheErrorSaysWhy() {
        MapFileSystem fs = new MapFileSystem()
                .put("/apps/a/overlays/dev/kustomization.yaml", "resources:\n- ../../../../../../etc/passwd\n");
        assertThatThrownBy(() -> new Kustomizer(fs).build("/apps/a/overlays/dev"))
                .isInstanceOf(KustomizeException.class)
                .hasMessage("accumulating resources from '../../../../../../etc/passwd' in"
                        + " /apps/a/overlays/dev/kustomization.yaml: '/etc/passwd': no such file or directory"
                        + " ('../../../../../../etc/passwd' climbs above '/', the root of what the build reads, where"
                        + " '..' stops; nothing outside it is read)");
        assertThat(PathNames.climbsAboveRoot("/apps/a", "../../b")).isFalse();
        assertThat(PathNames.climbsAboveRoot("/apps/a", "../../../b")).isTrue();
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
            "crds:\n- crd.json\n"}) {
            String name = field.substring(0, field.indexOf(':'));
            MapFileSystem fs = new MapFileSystem().put("/k/kustomization.yaml", field);
            assertThatThrownBy(() -> new Kustomizer(fs).build("/k"))
                    .as(name)
                    .hasMessageContaining("'" + name + "'")
                    .hasMessageContaining("/k/kustomization.yaml");
        }
    }

    @Test
    void patchErrorsNameTheFieldAndTheFileAsKustomizeWordsThem() {
        String base = "resources:\n- cm.yaml\n";
        String[][] cases = {
            // a patch naming an object that is not in the build (kubectl: "no resource matches strategic merge patch")
            {base + "patches:\n- path: p.yaml\n", "no resource matches strategic merge patch \"ConfigMap.v1.[noGrp]/other.[noNs]\""},
            {base + "patchesStrategicMerge:\n- p.yaml\n", "no resource matches strategic merge patch"},
            {base + "patches:\n- path: missing.yaml\n", "'/k/missing.yaml': no such file or directory"},
            {base + "patches:\n- patch: \"[]\"\n  target: {kind: ConfigMap}\n", "illegally qualifies as both an SM and JSON patch"},
            {base + "patches:\n- patch: just a string\n  target: {kind: ConfigMap}\n", "unable to parse SM or JSON patch"},
            {base + "patches:\n- patch: \"\"\n", "must specify one of patch and path"},
            {base + "patches:\n- patch: |-\n    - op: add\n      path: /data/b\n      value: x\n", "must specify a target for JSON patch"},
            {base + "patchesJson6902:\n- target: {kind: ConfigMap}\n  patch: \"[]\"\n", "must specify the target name"},
            {base + "replacements:\n- source: {kind: ConfigMap, labelSelector: a=b}\n  targets: []\n", "unknown field \"labelSelector\""},
            {base + "patches:\n- target: {kind: ConfigMap}\n  patch: |-\n    {kind: ConfigMap, metadata: {name: a}}\n    ---\n    {kind: ConfigMap, metadata: {name: b}}\n",
                "Multiple Strategic-Merge Patches in one `patches` entry is not allowed to set `patches.target` field"},
            {base + "patches:\n- target: {kind: ConfigMap}\n  patch: |-\n    kind: ConfigMap\n    data: {b: x}\n", "unable to parse SM or JSON patch"},
            {base + "patches:\n- target: {kind: ConfigMap}\n  patch: \"{}\"\n", "json: cannot unmarshal object into Go value of type jsonpatch.Patch"},
            {base + "patchesStrategicMerge:\n- empty.yaml\n", "patch appears to be empty; files=[empty.yaml]"},
            {base + "patchesStrategicMerge:\n- \"kind: ConfigMap\"\n", "lstat /k/kind: ConfigMap: no such file or directory"},
            {base + "patchesJson6902:\n- target: {version: v1, kind: ConfigMap, name: settings}\n  patch: \"[]\"\n", "patch appears to be empty"},
            {base + "openapi:\n  version: v1.99.0\n", "the specified OpenAPI version is not built in"},
            {base + "openapi:\n  path: s.json\n  version: v1.21.2\n", "builtin version and custom schema provided, cannot use both"},
        };
        for (String[] c : cases) {
            MapFileSystem fs = new MapFileSystem().put("/k/kustomization.yaml", c[0]).put("/k/cm.yaml", CONFIG_MAP)
                    .put("/k/p.yaml", CONFIG_MAP.replace("settings", "other") + "data:\n  a: b\n")
                    .put("/k/s.json", "{\"definitions\": {}}").put("/k/empty.yaml", "# nothing\n");
            assertThatThrownBy(() -> new Kustomizer(fs).build("/k"))
                    .as(c[0])
                    .isInstanceOf(KustomizeException.class)
                    .hasMessageContaining(c[1])
                    .hasMessageContaining("/k/kustomization.yaml");
        }
    }

    @Test
    void anUntargetedPatchMatchingTwoResourcesByTheirOriginalIdIsKustomizesError() {
        MapFileSystem fs = new MapFileSystem()
                .put("/ov/kustomization.yaml", "resources: [../a, ../b]\npatches:\n- patch: |-\n"
                        + "    apiVersion: v1\n    kind: ConfigMap\n    metadata: {name: settings}\n    data: {p: \"1\"}\n")
                .put("/a/kustomization.yaml", "namespace: a\nresources: [cm.yaml]\n").put("/a/cm.yaml", CONFIG_MAP)
                .put("/b/kustomization.yaml", "namespace: b\nresources: [cm.yaml]\n").put("/b/cm.yaml", CONFIG_MAP);
        // kubectl 1.32: no resource matches strategic merge patch "ConfigMap.v1.[noGrp]/web.[noNs]": multiple matches
        // for Id ConfigMap.v1.[noGrp]/web.[noNs]; failed to find unique target for patch ...
        assertThatThrownBy(() -> new Kustomizer(fs).build("/ov"))
                .hasMessageContaining("no resource matches strategic merge patch \"ConfigMap.v1.[noGrp]/settings.[noNs]\"")
                .hasMessageContaining("multiple matches for Id ConfigMap.v1.[noGrp]/settings.[noNs]")
                .hasMessageContaining("/ov/kustomization.yaml");
    }

    @Test
    void aDeletePatchRemovesTheResourceAndARenameKeepsReferencesWorking() {
        MapFileSystem fs = new MapFileSystem()
                .put("/k/kustomization.yaml", "resources:\n- cm.yaml\n- pod.yaml\npatches:\n"
                        + "- patch: |-\n    $patch: delete\n    apiVersion: v1\n    kind: ConfigMap\n"
                        + "    metadata:\n      name: gone\n"
                        + "- target: {kind: ConfigMap, name: settings}\n  options: {allowNameChange: true}\n"
                        + "  patch: |-\n    - op: replace\n      path: /metadata/name\n      value: renamed\n"
                        + "namePrefix: p-\n")
                .put("/k/cm.yaml", CONFIG_MAP + "---\n" + CONFIG_MAP.replace("settings", "gone"))
                .put("/k/pod.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\nspec:\n  volumes:\n"
                        + "  - name: v\n    configMap:\n      name: settings\n");
        String yaml = new Kustomizer(fs).build("/k").yaml();
        assertThat(yaml).doesNotContain("gone").contains("name: p-renamed").doesNotContain("name: settings");
    }

    /**
     * Strategic merge walks whole lists (quadratic in the worst case): a long container list patched by a long list,
     * two hundred times over, takes far longer than the deadline; the build stops between patch applications.
     */
    @Test
    void aPatchExplosionStopsAtTheDeadline() {
        StringBuilder deployment = new StringBuilder("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
                + "spec:\n  template:\n    spec:\n      containers:\n");
        StringBuilder patch = new StringBuilder("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
                + "spec:\n  template:\n    spec:\n      containers:\n");
        for (int i = 0; i < 3000; i++) {
            deployment.append("      - name: c").append(i).append("\n        image: i\n");
            patch.append("      - name: p").append(i).append("\n        image: i\n");
        }
        StringBuilder kustomization = new StringBuilder("resources:\n- web.yaml\npatches:\n");
        for (int i = 0; i < 200; i++) {
            kustomization.append("- path: p.yaml\n  target: {kind: Deployment}\n");
        }
        MapFileSystem fs = new MapFileSystem().put("/k/kustomization.yaml", kustomization.toString())
                .put("/k/web.yaml", deployment.toString()).put("/k/p.yaml", patch.toString());
        long start = System.nanoTime();
        assertThatThrownBy(() -> new Kustomizer(fs).build("/k", Duration.ofSeconds(2)))
                .isInstanceOf(DeadlineExceededException.class)
                .hasMessageContaining("applying patches");
        System.out.printf("patch explosion stopped after %d ms (deadline 2000 ms)%n",
                (System.nanoTime() - start) / 1_000_000);
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
