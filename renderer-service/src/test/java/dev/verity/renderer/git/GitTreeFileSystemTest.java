package dev.verity.renderer.git;

import dev.verity.kustomize.BuildResult;
import dev.verity.kustomize.KustomizeException;
import dev.verity.kustomize.KustomizeFileSystem.Kind;
import dev.verity.kustomize.Kustomizer;
import dev.verity.renderer.ShopFixture;
import dev.verity.renderer.render.FileSet;
import dev.verity.testkit.git.GitRepos;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A commit's Git tree as the engine's file system: kinds, links, the load restrictor and what a build touched. */
class GitTreeFileSystemTest {

    @TempDir
    Path tmp;

    private GitRepos repo;
    private GitMirror mirror;

    @BeforeEach
    void setUp() {
        repo = GitRepos.createBare(tmp.resolve("gitops.git"));
        mirror = GitMirror.open(repo.url(), "main", tmp.resolve("mirror"), Duration.ofSeconds(30));
    }

    @AfterEach
    void tearDown() {
        mirror.close();
        repo.close();
    }

    private GitTreeFileSystem head() {
        return mirror.snapshot(mirror.fetchHead()).files();
    }

    @Test
    void filesAndDirectoriesAreReadFromTheTreeWithTheRepositoryAtTheRoot() throws Exception {
        repo.commit("main", "shop", ShopFixture.app("shop", "hello"));
        GitTreeFileSystem.Recording fs = head().recording();

        assertThat(fs.kind("/")).isEqualTo(Kind.DIRECTORY);
        assertThat(fs.kind("/apps/shop/base")).isEqualTo(Kind.DIRECTORY);
        assertThat(fs.kind("/apps/shop/base/service.yaml")).isEqualTo(Kind.FILE);
        assertThat(fs.kind("/apps/shop/base/kustomization.yml")).isEqualTo(Kind.MISSING);
        assertThat(fs.kind("/apps/shop/base/service.yaml/x")).as("a file is no directory").isEqualTo(Kind.MISSING);
        assertThat(fs.list("/apps/shop")).containsExactly("base", "overlays");
        assertThat(new String(fs.read("/apps/shop/base/service.yaml"))).contains("kind: Service");
        assertThat(fs.realPath("/apps/shop/overlays/../base")).isEqualTo("/apps/shop/base");
        assertThat(fs.linkPaths()).isEmpty();
    }

    @Test
    void symbolicLinksAreFollowedInsideTheRepositoryAndRecorded() {
        repo.commit("main", "shop", ShopFixture.app("shop", "hello"));
        repo.on("main").symlink("apps/shop/overlays/dev/shared", "../../base")
                .symlink("apps/shop/overlays/prod/svc.yaml", "../../base/service.yaml").commit();
        GitTreeFileSystem tree = head();
        GitTreeFileSystem.Recording fs = tree.recording();

        assertThat(fs.kind("/apps/shop/overlays/dev/shared/deployment.yaml")).isEqualTo(Kind.FILE);
        assertThat(fs.kind("/apps/shop/overlays/dev/shared")).isEqualTo(Kind.DIRECTORY);
        assertThat(fs.kind("/apps/shop/overlays/prod/svc.yaml")).isEqualTo(Kind.FILE);
        assertThat(fs.linkPaths()).containsExactlyInAnyOrder("apps/shop/overlays/dev/shared",
                "apps/shop/overlays/prod/svc.yaml", "apps/shop/base/deployment.yaml", "apps/shop/base",
                "apps/shop/base/service.yaml");
    }

    @Test
    void aLinkLeavingTheRepositoryOrLoopingIsMissingSoTheRenderersDiskIsNeverRead() throws Exception {
        repo.on("main").put("apps/a/overlays/dev/kustomization.yaml", "resources: [passwd]\n")
                .symlink("apps/a/overlays/dev/passwd", "/etc/passwd")
                .symlink("apps/a/overlays/dev/up", "../../../../../etc/passwd")
                .symlink("apps/a/overlays/dev/loop", "loop").commit();
        GitTreeFileSystem.Recording fs = head().recording();

        assertThat(fs.kind("/apps/a/overlays/dev/passwd")).isEqualTo(Kind.MISSING);
        assertThat(fs.kind("/apps/a/overlays/dev/up")).isEqualTo(Kind.MISSING);
        assertThat(fs.kind("/apps/a/overlays/dev/loop")).isEqualTo(Kind.MISSING);
        assertThat(fs.kind("/../etc/passwd")).isEqualTo(Kind.MISSING);
        assertThat(fs.whyMissing("/apps/a/overlays/dev/up")).hasValue("the symbolic link apps/a/overlays/dev/up points"
                + " to '../../../../../etc/passwd', which climbs above the repository's root; links are followed only"
                + " within the repository");
        assertThat(fs.whyMissing("/apps/a/overlays/dev/loop")).get().asString().startsWith("symbolic links loop at");
        assertThat(fs.whyMissing("/apps/a/overlays/dev/absent.yaml")).isEmpty();
        assertThatThrownBy(() -> new Kustomizer(fs).build("/apps/a/overlays/dev", Duration.ofSeconds(10)))
                .isInstanceOf(KustomizeException.class).hasMessageContaining("'/apps/a/overlays/dev/passwd': no such"
                        + " file or directory (the symbolic link apps/a/overlays/dev/passwd points to '/etc/passwd', an"
                        + " absolute path outside the repository; links are followed only within the repository)");
    }

    @Test
    void theLoadRestrictorAppliesToWhereALinkLeads() {
        repo.on("main").put("apps/a/overlays/dev/kustomization.yaml", "resources: [cm.yaml]\n")
                .put("secrets/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: c }\n")
                .symlink("apps/a/overlays/dev/cm.yaml", "../../../../secrets/cm.yaml").commit();
        GitTreeFileSystem.Recording fs = head().recording();

        assertThatThrownBy(() -> new Kustomizer(fs).build("/apps/a/overlays/dev", Duration.ofSeconds(10)))
                .isInstanceOf(KustomizeException.class)
                .hasMessageContaining("security; file '/secrets/cm.yaml' is not in or below '/apps/a/overlays/dev'");
    }

    @Test
    void aBuildsFileSetIsTheFoldersItReadWithTheLinksItFollowedAndWhereTheyLed() {
        repo.commit("main", "shop", ShopFixture.app("shop", "hello"));
        repo.on("main").put("apps/shop/overlays/dev/kustomization.yaml",
                "namespace: shop-dev\nresources: [namespace.yaml, ../../base, ../../extra]\n")
                .put("platform/extra/kustomization.yaml", "resources: [cm.yaml]\n")
                .put("platform/extra/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: shared }\n")
                .symlink("apps/shop/extra", "../../platform/extra").commit();
        GitTreeFileSystem.Recording fs = head().recording();

        BuildResult result = new Kustomizer(fs).build("/apps/shop/overlays/dev", Duration.ofSeconds(10));

        assertThat(result.yaml()).contains("name: shared");
        assertThat(FileSet.of(result, fs.linkPaths()).paths())
                .containsExactly("apps/shop/base", "apps/shop/extra", "apps/shop/overlays/dev", "platform/extra");
    }
}
