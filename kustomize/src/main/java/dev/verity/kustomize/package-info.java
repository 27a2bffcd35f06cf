/** Kustomize in-process: builds a kustomization directory into resources exactly as Kustomize v5.5 does. */
package dev.verity.kustomize;
