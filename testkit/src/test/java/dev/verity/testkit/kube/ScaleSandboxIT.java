package dev.verity.testkit.kube;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ScaleContract} (Kubernetes' scale_test.go) against the sandbox; cases marked {@link SandboxGap} are skipped here. */
class ScaleSandboxIT extends ScaleContract {

  @RegisterExtension
  static final SandboxApiServer SERVER = new SandboxApiServer();

  @Override
  protected ApiServer server() {
    return SERVER;
  }
}
