package dev.verity.testkit.kube;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link StatusContract} (Kubernetes' status_test.go) against the sandbox; cases marked {@link SandboxGap} are skipped here. */
class StatusSandboxIT extends StatusContract {

  @RegisterExtension
  static final SandboxApiServer SERVER = new SandboxApiServer();

  @Override
  protected ApiServer server() {
    return SERVER;
  }
}
