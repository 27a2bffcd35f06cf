package dev.verity.testkit.kube;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ApplyWipeContract} (Kubernetes' apply_wipe_test.go) against the real cluster of {@code VERITY_TEST_KUBECONFIG}. */
@Tag("cluster")
@EnabledIfEnvironmentVariable(named = ClusterServer.VARIABLE, matches = ".+")
class ApplyWipeClusterIT extends ApplyWipeContract {

  @RegisterExtension
  static final ClusterServer SERVER = new ClusterServer();

  @Override
  protected ApiServer server() {
    return SERVER;
  }
}
