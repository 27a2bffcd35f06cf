package dev.verity.testkit.kube;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ApplyCrdContract} (Kubernetes' apply_crd_test.go) against the sandbox; cases marked {@link SandboxGap} are skipped here. */
class ApplyCrdSandboxIT extends ApplyCrdContract {

  @RegisterExtension
  static final SandboxServer SERVER = new SandboxServer();

  @Override
  protected ApiServer server() {
    return SERVER;
  }
}
