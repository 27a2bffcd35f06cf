package dev.verity.testkit.kube;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The same API contract against a real cluster: runs only with {@code VERITY_TEST_KUBECONFIG} set, and only when the
 * {@code cluster} tag is not excluded ({@code ./mvnw -pl testkit verify -DexcludedGroups= -Dgroups=cluster}).
 */
@Tag("cluster")
@EnabledIfEnvironmentVariable(named = "VERITY_TEST_KUBECONFIG", matches = ".+")
class KubeApiClusterContractTest extends KubeApiContract {

  private static KubernetesClient client;

  @BeforeAll
  static void connect() throws IOException {
    client = new KubernetesClientBuilder()
        .withConfig(Config.fromKubeconfig(Files.readString(kubeconfigPath())))
        .build();
  }

  @AfterAll
  static void disconnect() {
    if (client != null) {
      client.close();
    }
  }

  private static Path kubeconfigPath() {
    return Path.of(System.getenv("VERITY_TEST_KUBECONFIG"));
  }

  @Override
  protected KubernetesClient client() {
    return client;
  }

  @Override
  protected Path kubeconfig() {
    return kubeconfigPath();
  }
}
