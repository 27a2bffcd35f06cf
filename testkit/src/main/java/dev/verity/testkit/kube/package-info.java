/** KubeSandbox: a Kubernetes API server test double (server-side apply, field ownership, watches, pagination, simulated rollouts, faults on demand). */
package dev.verity.testkit.kube;
