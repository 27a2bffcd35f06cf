package dev.verity.testkit.kube;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ApplyContract} (Kubernetes' apply_test.go) against the sandbox; cases marked {@link SandboxGap} are skipped here. */
class ApplySandboxIT extends ApplyContract {

  @RegisterExtension
  static final SandboxApiServer SERVER = new SandboxApiServer();

  @Override
  protected ApiServer server() {
    return SERVER;
  }
}
