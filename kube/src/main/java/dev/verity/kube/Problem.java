package dev.verity.kube;

import dev.verity.events.ObjectRef;

/**
 * Why one document of a desired state cannot be applied.
 *
 * @param document the 1-based position of the document
 * @param object   the object, when the document got far enough to name one; otherwise null
 * @param message  names the document and object and says what to change; never quotes the document
 */
public record Problem(int document, ObjectRef object, String message) {

    @Override
    public String toString() {
        return message;
    }
}
