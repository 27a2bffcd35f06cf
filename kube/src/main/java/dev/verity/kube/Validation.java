package dev.verity.kube;

import dev.verity.events.ObjectRef;

import java.util.List;

/**
 * The outcome of validating a desired state's documents before anything is written.
 *
 * @param objects  the objects, in document order, when there are no problems
 * @param parsed   every object that parsed, valid or not, in document order
 * @param problems everything that makes the documents unfit to apply, each naming its document and object
 */
public record Validation(List<PlannedObject> objects, List<ObjectRef> parsed, List<Problem> problems) {

    public Validation {
        objects = List.copyOf(objects);
        parsed = List.copyOf(parsed);
        problems = List.copyOf(problems);
    }

    public boolean valid() {
        return problems.isEmpty();
    }

    /** The first object a problem names, or null when no problem gets as far as naming one. */
    public ObjectRef firstInvalidObject() {
        return problems.stream().map(Problem::object).filter(java.util.Objects::nonNull).findFirst().orElse(null);
    }
}
