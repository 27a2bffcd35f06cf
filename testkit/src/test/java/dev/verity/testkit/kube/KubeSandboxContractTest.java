package dev.verity.testkit.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.file.Path;

/** The API contract against the sandbox. */
class KubeSandboxContractTest extends KubeApiContract {

  private static KubeSandbox sandbox;

  @BeforeAll
  static void startSandbox() {
    sandbox = KubeSandbox.start();
  }

  @AfterAll
  static void stopSandbox() {
    sandbox.close();
  }

  @Override
  protected KubernetesClient client() {
    return sandbox.client();
  }

  @Override
  protected Path kubeconfig() {
    return sandbox.kubeconfig();
  }
}
