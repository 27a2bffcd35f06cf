/** Rendering a repository head: finding targets, running Kustomize, splitting documents, deciding what to publish. */
package dev.verity.renderer.render;
