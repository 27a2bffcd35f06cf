package dev.verity.events;

/** Argument checks for event records: a missing field names itself. */
final class Require {
    private Require() {
    }

    static void nonNull(String field, Object value) {
        if (value == null) throw new IllegalArgumentException(field + " is required");
    }

    static void nonBlank(String field, String value) {
        if (value == null || value.isBlank()) throw new IllegalArgumentException(field + " is required");
    }
}
