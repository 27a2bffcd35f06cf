package dev.verity.testkit.kube;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Quarkus test resource that starts a {@link KubeSandbox} and points the Quarkus Kubernetes client at it:
 * {@code @QuarkusTestResource(value = KubeSandboxResource.class, restrictToAnnotatedClass = true)}.
 * Sets {@code quarkus.kubernetes-client.api-server-url}, {@code trust-certs=true}, {@code namespace=default},
 * {@code devservices.enabled=false}, and {@code verity.test.kubeconfig} (path of a kubeconfig for the sandbox).
 */
public class KubeSandboxResource implements QuarkusTestResourceLifecycleManager {

  private static volatile KubeSandbox sandbox;

  /** The running sandbox of the current test class. */
  public static KubeSandbox sandbox() {
    KubeSandbox current = sandbox;
    if (current == null) {
      throw new IllegalStateException("no KubeSandbox is running: annotate the test with "
          + "@QuarkusTestResource(value = KubeSandboxResource.class, restrictToAnnotatedClass = true)");
    }
    return current;
  }

  @Override
  public Map<String, String> start() {
    KubeSandbox started = KubeSandbox.start();
    sandbox = started;
    return Map.of(
        "quarkus.kubernetes-client.api-server-url", started.url(),
        "quarkus.kubernetes-client.trust-certs", "true",
        "quarkus.kubernetes-client.namespace", "default",
        "quarkus.kubernetes-client.devservices.enabled", "false",
        "verity.test.kubeconfig", started.kubeconfig().toString());
  }

  @Override
  public void stop() {
    KubeSandbox current = sandbox;
    sandbox = null;
    if (current != null) {
      current.close();
    }
  }
}
