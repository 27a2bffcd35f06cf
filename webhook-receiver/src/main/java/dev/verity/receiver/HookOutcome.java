package dev.verity.receiver;

import dev.verity.events.VerityEvent;

import java.util.List;
import java.util.Objects;

/** What to do with one webhook delivery. */
public sealed interface HookOutcome {

    /**
     * An authentic push or deletion of a branch Verity renders: publish the events (one per branch the delivery
     * moved), answer once Kafka has every one of them.
     */
    record Publish(List<VerityEvent> events) implements HookOutcome {
        public Publish {
            events = List.copyOf(events);
            if (events.isEmpty()) throw new IllegalArgumentException("a Publish needs at least one event");
        }

        public Publish(VerityEvent event) {
            this(List.of(event));
        }

        /** The first event (the only one, for forges whose deliveries move one ref). */
        public VerityEvent event() {
            return events.get(0);
        }
    }

    /** An authentic delivery that asks nothing of Verity (ping, other event, tag, other branch). */
    record Ignored(String reason) implements HookOutcome {
        public Ignored {
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** A delivery refused; {@link #message()} tells the sender what to fix. Nothing is published. */
    record Rejected(Reason reason, String message) implements HookOutcome {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }

    enum Reason {
        /** The delivery carries no signature: the webhook has no secret. */
        UNSIGNED,
        /** The signature does not match the secret configured for the repository. */
        BAD_SIGNATURE,
        /** No secret is configured for the repository the delivery names. */
        UNKNOWN_REPOSITORY,
        /** The payload cannot be read. */
        INVALID,
        /**
         * No such endpoint: the repository id in the URL is not configured, or is configured for another forge.
         * Answered 404 with no reason, so the endpoint does not tell a scanner which ids exist.
         */
        NO_SUCH_ENDPOINT,
        /** The delivery's timestamp is outside the replay window (a signed delivery replayed later). */
        EXPIRED,
        /** The body is in a form this endpoint does not read (415); the message says how to set the webhook. */
        UNSUPPORTED_MEDIA_TYPE
    }
}
