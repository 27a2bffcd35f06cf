package dev.verity.events;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.time.Instant;
import java.util.List;

/**
 * Every object the applier applied for this digest of a target is ready by the kstatus rules (workloads rolled out,
 * Jobs complete, PVCs bound, CRDs established, custom resources {@code Ready}), checked after {@link Applied}.
 *
 * @param checked   the objects whose status was read (kinds that are ready once stored, such as ConfigMaps, are not
 *                  read and not listed)
 * @param appliedAt when the apply this follows finished (null in events written before it existed)
 */
public record Healthy(TargetKey target, String repo, String commit, String digest, List<ObjectRef> checked,
        @JsonSerialize(using = ToStringSerializer.class) @JsonDeserialize(using = IsoInstant.class) Instant appliedAt) implements TargetEvent {

    public Healthy {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        Require.nonBlank("digest", digest);
        checked = checked == null ? List.of() : List.copyOf(checked);
    }
}
