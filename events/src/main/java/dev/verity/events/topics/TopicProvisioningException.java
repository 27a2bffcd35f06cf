package dev.verity.events.topics;

/** Kafka could not be asked, or refused, to create or check a topic; the message names the request and the cause. */
public class TopicProvisioningException extends RuntimeException {
    public TopicProvisioningException(String message, Throwable cause) {
        super(message, cause);
    }
}
