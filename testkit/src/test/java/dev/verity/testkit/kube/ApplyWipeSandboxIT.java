package dev.verity.testkit.kube;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ApplyWipeContract} (Kubernetes' apply_wipe_test.go) against the sandbox; cases marked {@link SandboxGap} are skipped here. */
class ApplyWipeSandboxIT extends ApplyWipeContract {

  @RegisterExtension
  static final SandboxApiServer SERVER = new SandboxApiServer();

  @Override
  protected ApiServer server() {
    return SERVER;
  }
}
