package dev.verity.kube;

import dev.verity.events.ObjectRef;

/** An object that passed validation, with the resource type the cluster addresses it by and its apply stage. */
public record PlannedObject(Manifest manifest, ResourceType type, Stage stage) {

    public ObjectRef ref() {
        return manifest.ref();
    }
}
