package dev.verity.receiver;

import dev.verity.events.VerityEvent;

import java.util.Objects;

/** What to do with one webhook delivery. */
public sealed interface HookOutcome {

    /** An authentic push or deletion of the branch Verity renders: publish the event, answer once Kafka has it. */
    record Publish(VerityEvent event) implements HookOutcome {
        public Publish {
            Objects.requireNonNull(event, "event");
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
        INVALID
    }
}
