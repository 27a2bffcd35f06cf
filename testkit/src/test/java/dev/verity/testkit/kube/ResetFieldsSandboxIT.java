package dev.verity.testkit.kube;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ResetFieldsContract} (Kubernetes' reset_fields_test.go) against the sandbox; cases marked {@link SandboxGap} are skipped here. */
class ResetFieldsSandboxIT extends ResetFieldsContract {

  @RegisterExtension
  static final SandboxApiServer SERVER = new SandboxApiServer();

  @Override
  protected ApiServer server() {
    return SERVER;
  }
}
