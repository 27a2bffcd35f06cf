package dev.verity.renderer.config;

/** {@code verity.yaml} is not valid; the message names the field, what is wrong and what to write instead. */
public final class VerityConfigException extends RuntimeException {
    public VerityConfigException(String message) {
        super(message);
    }

    public VerityConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
