package dev.verity.kustomize.yaml;

/** A YAML text that cannot be read: the message names the source and, when known, the line. */
public final class YamlException extends RuntimeException {

    public YamlException(String message) {
        super(message);
    }
}
