/** Git access for the renderer: a bare JGit mirror per repository, fetched by branch, read as snapshots. */
package dev.verity.renderer.git;
