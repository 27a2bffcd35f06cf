package dev.verity.testkit.kube;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a transcribed Kubernetes case that the sandbox cannot pass yet because a piece of behaviour it lacks is
 * being built elsewhere (field types and unknown-field validation, defaults, CRD Established delay, namespace
 * Terminating, pagination). The case still runs against a real cluster; {@link SandboxApiServer} skips it with the
 * reason. Never used to hide a wrong assertion.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Tag("sandbox-gap")
@interface SandboxGap {

  /** The missing sandbox behaviour, in one line. */
  String value();
}
