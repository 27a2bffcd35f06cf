package dev.verity.testkit.kube;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ApplyCrdContract} (Kubernetes' apply_crd_test.go) against the sandbox; cases marked {@link SandboxGap} are skipped here. */
class ApplyCrdSandboxIT extends ApplyCrdContract {

  @RegisterExtension
  static final SandboxApiServer SERVER = new SandboxApiServer();

  @Override
  protected ApiServer server() {
    return SERVER;
  }
}
