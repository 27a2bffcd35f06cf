package dev.verity.renderer.render;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KustomizeCliIT {

    @TempDir
    Path tmp;

    @Test
    void findsKubectlOrKustomizeOnPath() {
        KustomizeCli cli = KustomizeCli.detect(Optional.empty(), System.getenv("PATH"), Duration.ofSeconds(30));
        assertThat(cli.command()).satisfiesAnyOf(
                c -> assertThat(c.get(0)).endsWith("/kustomize"),
                c -> assertThat(c.get(0)).endsWith("/kubectl"));
        assertThat(cli.command().get(1)).isIn("build", "kustomize");
    }

    @Test
    void saysWhatToDoWhenNothingIsOnPath() {
        assertThatThrownBy(() -> KustomizeCli.detect(Optional.empty(), tmp.toString(), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("neither 'kustomize' nor 'kubectl' is on PATH (" + tmp + ")")
                .hasMessageContaining("install kubectl");
        assertThatThrownBy(() -> KustomizeCli.detect(Optional.of("/nope/kustomize build"), "/usr/bin", Duration.ofSeconds(1)))
                .hasMessageContaining("the configured Kustomize command '/nope/kustomize build' cannot run");
    }

    @Test
    void buildsAndReportsFailuresWithStderr() throws Exception {
        KustomizeCli cli = KustomizeCli.detect(Optional.empty(), System.getenv("PATH"), Duration.ofSeconds(60));
        Files.createDirectories(tmp.resolve("ok"));
        Files.writeString(tmp.resolve("ok/kustomization.yaml"), "resources: [cm.yaml]\n");
        Files.writeString(tmp.resolve("ok/cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: {k: v}\n");
        Files.createDirectories(tmp.resolve("bad"));
        Files.writeString(tmp.resolve("bad/kustomization.yaml"), "resources: [absent.yaml]\n");

        assertThat(cli.build(tmp, "ok")).isInstanceOfSatisfying(KustomizeCli.Built.class,
                b -> assertThat(b.yaml()).contains("kind: ConfigMap").contains("name: a"));
        assertThat(cli.build(tmp, "bad")).isInstanceOfSatisfying(KustomizeCli.Failed.class, f -> {
            assertThat(f.exitCode()).isNotZero();
            assertThat(f.stderr()).contains("absent.yaml");
        });
    }

    @Test
    void stopsABuildThatRunsPastTheTimeout() throws Exception {
        Path slow = tmp.resolve("slow-kustomize");
        Files.writeString(slow, "#!/bin/sh\nsleep 30\n");
        Files.setPosixFilePermissions(slow, PosixFilePermissions.fromString("rwxr-xr-x"));
        KustomizeCli cli = KustomizeCli.detect(Optional.of(slow + " build"), "", Duration.ofMillis(300));

        long start = System.nanoTime();
        assertThat(cli.build(tmp, ".")).isEqualTo(new KustomizeCli.TimedOut(Duration.ofMillis(300)));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
}
