package dev.verity.testkit.kube;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link FieldValidationContract} (Kubernetes' field_validation_test.go) against the sandbox; cases marked {@link SandboxGap} are skipped here. */
class FieldValidationSandboxIT extends FieldValidationContract {

  @RegisterExtension
  static final SandboxApiServer SERVER = new SandboxApiServer();

  @Override
  protected ApiServer server() {
    return SERVER;
  }
}
