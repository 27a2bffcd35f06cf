package dev.verity.testkit.kube;

import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.lang.reflect.AnnotatedElement;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A {@link KubeSandbox} for one contract runner class: started before its tests, closed after them, bare
 * ({@link KubeSandbox.Controllers#NONE}: the Kubernetes integration tests transcribed here run against an API server with no
 * controllers, and assert managedFields and resourceVersions that a controller's status writes would change). Cases marked
 * {@link SandboxGap} (tag {@code sandbox-gap}) are skipped here, with their reason, and run only against a cluster
 * (or here too with {@code -Dverity.contract.runSandboxGaps=true}, to see which gaps a sandbox change closed).
 */
final class SandboxApiServer implements ApiServer, BeforeAllCallback, AfterAllCallback, ExecutionCondition {

  private KubeSandbox sandbox;

  @Override
  public void beforeAll(ExtensionContext context) {
    sandbox = KubeSandbox.bare();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (sandbox != null) {
      sandbox.close();
      sandbox = null;
    }
  }

  /** Set to {@code true} to run the sandbox-gap cases on the sandbox as well (to see which gaps are closed). */
  static final String RUN_GAPS = "verity.contract.runSandboxGaps";

  @Override
  public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
    if (Boolean.getBoolean(RUN_GAPS)) {
      return ConditionEvaluationResult.enabled(RUN_GAPS + " is set");
    }
    Optional<SandboxGap> gap = context.getElement().map(SandboxApiServer::gap);
    return gap.map(g -> ConditionEvaluationResult.disabled("sandbox-gap: " + g.value()))
        .orElse(ConditionEvaluationResult.enabled("no sandbox gap"));
  }

  private static SandboxGap gap(AnnotatedElement element) {
    return element.getAnnotation(SandboxGap.class);
  }

  @Override
  public KubernetesClient client() {
    return sandbox.client();
  }

  @Override
  public Path kubeconfig() {
    return sandbox.kubeconfig();
  }
}
