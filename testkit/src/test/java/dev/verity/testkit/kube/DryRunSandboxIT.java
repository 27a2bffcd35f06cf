package dev.verity.testkit.kube;

import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link DryRunContract} (Kubernetes' dryrun_test.go) against the sandbox; cases marked {@link SandboxGap} are skipped here. */
class DryRunSandboxIT extends DryRunContract {

  @RegisterExtension
  static final SandboxApiServer SERVER = new SandboxApiServer();

  @Override
  protected ApiServer server() {
    return SERVER;
  }
}
