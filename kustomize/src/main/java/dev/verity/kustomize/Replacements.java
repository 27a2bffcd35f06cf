package dev.verity.kustomize;

import java.util.List;

/** The {@code replacements} field: copies a field of one resource into fields of others. */
final class Replacements {

    private Replacements() {
    }

    static void run(Kustomizer.Build build, Kustomization k, List<Resource> resources) {
        if (k.isSet("replacements")) {
            throw new KustomizeException("field 'replacements' in " + k.file
                    + ": replacements are not supported yet by the in-process engine");
        }
    }
}
