package dev.verity.kustomize.patch;

/**
 * A patch that cannot be applied or parsed, or a schema that cannot be read. The message names what failed (the
 * operation index and path of a JSON 6902 op, the directive of a strategic merge patch); the engine prefixes the
 * file and the resource it was patching.
 */
public class PatchException extends RuntimeException {

    public PatchException(String message) {
        super(message);
    }

    public PatchException(String message, Throwable cause) {
        super(message, cause);
    }
}
