package dev.verity.events;

/**
 * What a well-formed CloudEvents record turned out to be: an event this version knows, or one of a type it does
 * not know (a newer producer's), which a consumer skips and counts. Records that are not well-formed are an
 * {@link EventFormatException} instead.
 */
public sealed interface Decoded {

    /** A known event type, decoded into its record. */
    record Known(Envelope envelope) implements Decoded {
    }

    /** A well-formed CloudEvent whose {@code type} this version does not know; its data was not read. */
    record UnknownType(String type, String id, String source) implements Decoded {
    }
}
