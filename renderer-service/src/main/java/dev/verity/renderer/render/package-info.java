/**
 * Rendering a repository head: finding targets, building the ones whose file set a commit changed with the in-process
 * Kustomize engine, splitting documents, deciding what to publish and what left Git.
 */
package dev.verity.renderer.render;
