package dev.verity.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The forge's own pushes: any change to the tree, links included, read back as a forge describes a push. */
class LocalForgeTest {

    @Test
    void aPushPutsLinksAndDeletesInOneCommitAndIsDescribedAsAForgeWould(@TempDir Path dir) throws Exception {
        Path seed = Files.createDirectories(dir.resolve("seed/apps/shop"));
        Files.writeString(seed.resolve("a.yaml"), "a: 1\n");
        Files.writeString(seed.resolve("b.yaml"), "b: 2\n");
        LocalForge forge = LocalForge.open(dir.resolve("forge"), "http://localhost:1/hook", "secret");
        LocalForge.Push first = forge.pushFolder(dir.resolve("seed"), "seed");

        LocalForge.Push push = forge.push("escape", c -> c.put("apps/shop/a.yaml", "a: 3\n")
                .symlink("apps/shop/passwd.yaml", "../../../etc/passwd").delete("apps/shop/b.yaml"));

        assertThat(push.before()).isEqualTo(first.after());
        assertThat(push.message()).isEqualTo("escape");
        assertThat(push.added()).containsExactly("apps/shop/passwd.yaml");
        assertThat(push.modified()).containsExactly("apps/shop/a.yaml");
        assertThat(push.removed()).containsExactly("apps/shop/b.yaml");
        assertThat(forge.read("apps/shop/a.yaml")).hasValue("a: 3\n");
        assertThat(forge.read("apps/shop/passwd.yaml")).as("a link is not a file").isEmpty();
        assertThat(forge.read("apps/shop/b.yaml")).isEmpty();
    }
}
