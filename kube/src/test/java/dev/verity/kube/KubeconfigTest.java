package dev.verity.kube;

import io.fabric8.kubernetes.client.Config;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KubeconfigTest {

    @TempDir
    Path dir;

    @Test
    void readsTheCurrentContextOfTheFile() throws Exception {
        Path file = Files.writeString(dir.resolve("config"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: sandbox
                  cluster: {server: "https://127.0.0.1:6443", insecure-skip-tls-verify: true}
                users:
                - name: verity
                  user: {token: t0ken}
                contexts:
                - name: sandbox
                  context: {cluster: sandbox, user: verity, namespace: shop}
                current-context: sandbox
                """);

        Config config = Kubeconfig.load(file, "verity.test.kubeconfig");

        assertThat(config.getMasterUrl()).startsWith("https://127.0.0.1:6443");
        assertThat(config.getNamespace()).isEqualTo("shop");
    }

    @Test
    void anUnreadableFileIsAnErrorNamingThePropertyAndThePath() {
        Path missing = dir.resolve("missing");

        assertThatThrownBy(() -> Kubeconfig.load(missing, "verity.drift.kubeconfig"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("verity.drift.kubeconfig: cannot read the kubeconfig file " + missing);
    }
}
