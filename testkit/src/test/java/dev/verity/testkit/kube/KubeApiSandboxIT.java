package dev.verity.testkit.kube;

import org.junit.jupiter.api.extension.RegisterExtension;

/** Verity's own API contract against the sandbox. */
class KubeApiSandboxIT extends KubeApiContract {

  @RegisterExtension
  static final SandboxApiServer SERVER = new SandboxApiServer();

  @Override
  protected ApiServer server() {
    return SERVER;
  }
}
