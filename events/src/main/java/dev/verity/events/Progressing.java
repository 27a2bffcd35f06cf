package dev.verity.events;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.time.Instant;
import java.util.List;

/**
 * A target's objects were applied but some are not ready yet (a rollout in progress, a Job running, a PVC not bound);
 * published once per applied digest, when the first health check finds them so. {@link Healthy} or {@link Degraded}
 * follows.
 *
 * @param notReady each object not ready yet, with what it waits for (e.g. {@code Available: 1/3})
 * @param since    when the apply finished: the objects have not been ready since then
 * @param deadline when the target is reported {@link Degraded} if they are still not ready (the policy's
 *                 {@code healthTimeout} after {@code since})
 */
public record Progressing(TargetKey target, String repo, String commit, String digest, List<ObjectReason> notReady,
        @JsonSerialize(using = ToStringSerializer.class) @JsonDeserialize(using = IsoInstant.class) Instant since,
        @JsonSerialize(using = ToStringSerializer.class) @JsonDeserialize(using = IsoInstant.class) Instant deadline) implements TargetEvent {

    public Progressing {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        Require.nonBlank("digest", digest);
        notReady = notReady == null ? List.of() : List.copyOf(notReady);
    }
}
