package dev.verity.testkit.git;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.revwalk.RevCommit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GitReposTest {

    @TempDir
    Path tmp;

    @Test
    void commitsFilesThatACloneSeesOnMain() throws Exception {
        try (GitRepos repo = GitRepos.createBare(tmp.resolve("repo.git"))) {
            String sha = repo.commit("main", "first", Map.of("apps/shop/base/kustomization.yaml", "resources: []\n",
                    "README.md", "hello\n"));

            assertThat(repo.url()).startsWith("file:///").endsWith("/repo.git");
            assertThat(repo.head("main")).contains(sha);
            Path clone = tmp.resolve("clone");
            try (Git git = Git.cloneRepository().setURI(repo.url()).setDirectory(clone.toFile()).call()) {
                assertThat(git.getRepository().getBranch()).isEqualTo("main");
                assertThat(git.getRepository().resolve(Constants.HEAD).getName()).isEqualTo(sha);
            }
            assertThat(Files.readString(clone.resolve("apps/shop/base/kustomization.yaml"))).isEqualTo("resources: []\n");
            assertThat(Files.readString(clone.resolve("README.md"))).isEqualTo("hello\n");
        }
    }

    @Test
    void laterCommitsBuildOnTheBranchAndDeleteFilesAndFolders() throws Exception {
        Path folder = tmp.resolve("examples");
        Files.createDirectories(folder.resolve("apps/shop/overlays/dev"));
        Files.writeString(folder.resolve("apps/shop/overlays/dev/kustomization.yaml"), "dev\n");
        Files.writeString(folder.resolve("verity.yaml"), "apps: {}\n");

        try (GitRepos repo = GitRepos.seed(tmp.resolve("seeded.git"), folder, "seed")) {
            String first = repo.head("main").orElseThrow();
            String second = repo.on("main").put("apps/shop/overlays/prod/kustomization.yaml", "prod\n")
                    .put("verity.yaml", "apps: {shop: {}}\n").message("add prod").commit();
            String third = repo.on("main").delete("apps/shop/overlays/dev").delete("absent.txt").message("drop dev").commit();

            Path clone = tmp.resolve("clone");
            try (Git git = Git.cloneRepository().setURI(repo.url()).setDirectory(clone.toFile()).call()) {
                List<RevCommit> log = toList(git.log().call());
                assertThat(log).extracting(RevCommit::getName).containsExactly(third, second, first);
                assertThat(log.get(0).getFullMessage()).isEqualTo("drop dev");
            }
            try (Stream<Path> files = Files.walk(clone)) {
                assertThat(files.filter(Files::isRegularFile).map(p -> clone.relativize(p).toString())
                        .filter(p -> !p.startsWith(".git")).sorted().toList())
                        .containsExactly("apps/shop/overlays/prod/kustomization.yaml", "verity.yaml");
            }
            assertThat(Files.readString(clone.resolve("verity.yaml"))).isEqualTo("apps: {shop: {}}\n");
            assertThat(repo.read("main", "verity.yaml")).contains("apps: {shop: {}}\n");
            assertThat(repo.read("main", "apps/shop/overlays/dev/kustomization.yaml")).isEmpty();
            assertThat(repo.read("main", "apps/shop")).as("a folder is not a file").isEmpty();
            assertThat(repo.read("nope", "verity.yaml")).isEmpty();
        }
    }

    @Test
    void clearReplacesTheWholeTreeAndOtherBranchesAreIndependent() throws Exception {
        try (GitRepos repo = GitRepos.createBare(tmp.resolve("r.git"))) {
            repo.commit("main", "one", Map.of("a.txt", "a", "b/c.txt", "c"));
            String feature = repo.commit("feature", "feature", Map.of("f.txt", "f"));
            String replaced = repo.on("main").clear().put("z.txt", "z").commit();

            Path clone = tmp.resolve("clone");
            try (Git git = Git.cloneRepository().setURI(repo.url()).setDirectory(clone.toFile()).call()) {
                assertThat(git.getRepository().resolve("HEAD").getName()).isEqualTo(replaced);
                assertThat(git.getRepository().resolve("refs/remotes/origin/feature").getName()).isEqualTo(feature);
            }
            assertThat(clone.resolve("a.txt")).doesNotExist();
            assertThat(clone.resolve("z.txt")).hasContent("z");
        }
    }

    @Test
    void reopeningAnExistingRepositoryKeepsItsHistory() {
        Path dir = tmp.resolve("again.git");
        String sha;
        try (GitRepos repo = GitRepos.createBare(dir)) {
            sha = repo.commit("main", "one", Map.of("a.txt", "a"));
        }
        try (GitRepos repo = GitRepos.createBare(dir)) {
            assertThat(repo.head("main")).contains(sha);
            assertThat(repo.head("other")).isEmpty();
        }
    }

    @Test
    void refusesPathsOutsideTheRepository() {
        try (GitRepos repo = GitRepos.createBare(tmp.resolve("bad.git"))) {
            assertThatThrownBy(() -> repo.on("main").put("../escape.txt", "x"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not a valid repository path");
            assertThatThrownBy(() -> repo.on("refs/heads/main"))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("short branch name");
        }
    }

    private static List<RevCommit> toList(Iterable<RevCommit> commits) {
        List<RevCommit> list = new ArrayList<>();
        commits.forEach(list::add);
        return list;
    }
}
