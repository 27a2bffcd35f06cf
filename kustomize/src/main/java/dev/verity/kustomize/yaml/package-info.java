/** The document tree the engine works on (maps, sequences, typed scalars), and its YAML reader and printer. */
package dev.verity.kustomize.yaml;
