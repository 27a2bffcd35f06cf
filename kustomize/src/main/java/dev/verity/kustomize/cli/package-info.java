/**
 * Command-line entry points of the engine, started by {@code ./verity} with only this module on the classpath:
 * {@code render} (print a build as {@code kubectl kustomize} does) and {@code bench kustomize} (engine against kubectl).
 */
package dev.verity.kustomize.cli;
