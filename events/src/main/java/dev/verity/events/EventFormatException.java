package dev.verity.events;

/** A Kafka record is not a Verity event this version understands; consumers send it to the topic's dead-letter topic. */
public class EventFormatException extends RuntimeException {
    public EventFormatException(String message) {
        super(message);
    }

    public EventFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
