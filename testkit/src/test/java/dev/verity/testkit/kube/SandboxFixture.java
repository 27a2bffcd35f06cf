package dev.verity.testkit.kube;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.UUID;

/**
 * One sandbox per test class and a namespace of its own per test, for the ITs that drive the sandbox over HTTP.
 * Register it as a {@code static} {@code @RegisterExtension} field. Before each test (and before the class's own
 * {@code @BeforeEach} methods) it puts the simulated rollout and the lifecycle delays back to their defaults, clears
 * faults and the request log, and creates a namespace {@code <prefix>-<8 random hex digits>}.
 */
final class SandboxFixture implements BeforeAllCallback, AfterAllCallback, BeforeEachCallback {

  private final String prefix;
  private KubeSandbox sandbox;
  private String namespace;

  SandboxFixture(String prefix) {
    this.prefix = prefix;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    sandbox = KubeSandbox.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    sandbox.close();
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    sandbox.rollout().reset();
    sandbox.lifecycle().reset();
    sandbox.faults().clear();
    sandbox.requests().clear();
    namespace = prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    client().namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace).endMetadata().build()).create();
  }

  KubeSandbox sandbox() {
    return sandbox;
  }

  /** The namespace of the running test. */
  String namespace() {
    return namespace;
  }

  KubernetesClient client() {
    return sandbox.client();
  }
}
