/** KubeSandbox: a Kubernetes API server test double (server-side apply, field ownership, watches, simulated rollouts) on the fabric8 mock server. */
package dev.verity.testkit.kube;
