package dev.verity.renderer.render;

import dev.verity.kustomize.Kustomizer;
import dev.verity.renderer.ShopFixture;
import dev.verity.renderer.git.GitMirror;
import dev.verity.renderer.git.GitTreeFileSystem;
import dev.verity.testkit.git.GitRepos;
import org.eclipse.jgit.api.Git;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The engine reading a commit's Git tree gives exactly what {@code kubectl kustomize} (the oracle, Kustomize v5.5)
 * prints for a checkout of the same commit, symbolic links included. Skipped when kubectl is not on PATH: nothing
 * else in Verity needs it.
 */
class RendererKubectlIT {

    @TempDir
    Path tmp;

    @Test
    void theTreeRendersAsKubectlRendersTheCheckout() throws Exception {
        Optional<Path> kubectl = onPath("kubectl");
        assumeTrue(kubectl.isPresent(), "kubectl is not on PATH");
        try (GitRepos repo = GitRepos.createBare(tmp.resolve("gitops.git"));
             GitMirror mirror = GitMirror.open(repo.url(), "main", tmp.resolve("mirror"), Duration.ofSeconds(30))) {
            repo.commit("main", "shop", ShopFixture.app("shop", "hello"));
            repo.on("main").copy(Path.of("../examples/apps/shop"), "apps/example")
                    .put("apps/shop/overlays/dev/kustomization.yaml",
                            "namespace: shop-dev\nresources: [namespace.yaml, ../../base, ../../extra]\n")
                    .put("platform/extra/kustomization.yaml", "resources: [cm.yaml]\nnamePrefix: x-\n")
                    .put("platform/extra/cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: { name: shared }\n")
                    .symlink("apps/shop/extra", "../../platform/extra").commit();
            String head = mirror.fetchHead();
            Path checkout = tmp.resolve("checkout");
            Git.cloneRepository().setURI(repo.url()).setDirectory(checkout.toFile()).call().close();
            assertThat(Files.isSymbolicLink(checkout.resolve("apps/shop/extra"))).isTrue();

            GitTreeFileSystem tree = mirror.snapshot(head).files();
            for (String overlay : List.of("apps/shop/overlays/dev", "apps/shop/overlays/prod",
                    "apps/example/overlays/dev", "apps/example/overlays/prod")) {
                String engine = new Kustomizer(tree.recording()).build("/" + overlay, Duration.ofSeconds(30)).yaml();
                assertThat(engine).as(overlay).isEqualTo(kubectl(kubectl.get(), checkout.resolve(overlay)));
            }
        }
    }

    private static String kubectl(Path kubectl, Path dir) throws Exception {
        Path out = Files.createTempFile("kubectl-", ".yaml");
        try {
            Process p = new ProcessBuilder(kubectl.toString(), "kustomize", dir.toString())
                    .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as("kubectl kustomize " + dir).isZero();
            return Files.readString(out, StandardCharsets.UTF_8);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        return Arrays.stream(path == null ? new String[0] : path.split(File.pathSeparator)).filter(d -> !d.isBlank())
                .map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
    }
}
