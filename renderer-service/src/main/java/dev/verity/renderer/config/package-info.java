/** The optional {@code verity.yaml} at a GitOps repository's root: environments → clusters, apps, policies. */
package dev.verity.renderer.config;
