/**
 * Git access for the renderer: a bare JGit mirror per repository, fetched by branch, read as snapshots, diffed between
 * commits, and a commit's tree as the Kustomize engine's file system (no checkout).
 */
package dev.verity.renderer.git;
