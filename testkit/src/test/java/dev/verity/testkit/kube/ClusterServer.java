package dev.verity.testkit.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The real API server named by the kubeconfig in {@code VERITY_TEST_KUBECONFIG}, for the {@code cluster}-tagged
 * contract runners ({@code ./mvnw -pl testkit verify -Dit.test='*ClusterIT'} with the variable set).
 */
final class ClusterServer implements ApiServer, BeforeAllCallback, AfterAllCallback {

  static final String VARIABLE = "VERITY_TEST_KUBECONFIG";

  private KubernetesClient client;

  @Override
  public void beforeAll(ExtensionContext context) {
    try {
      client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Files.readString(kubeconfig()))).build();
    } catch (IOException e) {
      throw new UncheckedIOException(VARIABLE + "=" + kubeconfig() + ": cannot read the kubeconfig; point "
          + VARIABLE + " at a readable kubeconfig file", e);
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (client != null) {
      client.close();
      client = null;
    }
  }

  @Override
  public KubernetesClient client() {
    return client;
  }

  @Override
  public Path kubeconfig() {
    return Path.of(System.getenv(VARIABLE));
  }
}
