package dev.verity.receiver;

import dev.verity.events.CommitPushed;
import dev.verity.events.RefDeleted;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a forge's webhook payload says, before its signature is checked: a branch push or deletion Verity acts on, something
 * it ignores (and why), or a payload it cannot read (and why).
 */
public sealed interface ParsedHook {

    /** The repository the payload names; used to find the secret that must have signed it. */
    Optional<ForgeRepository> repository();

    /**
     * A push that moved a branch head.
     *
     * @param before       the head before the push (40 zeros when the push created the branch)
     * @param after        the head after the push
     * @param changedPaths  sorted union of the paths the pushed commits added, modified or removed
     * @param deliveryId    the forge's delivery id, or null when the request carried none
     * @param pathsComplete whether the payload listed every pushed commit (see {@link CommitPushed#pathsComplete()})
     * @param pusher        who pushed, or null when the payload does not say
     */
    record Push(ForgeRepository repo, String branch, String before, String after, List<String> changedPaths,
            String deliveryId, boolean pathsComplete, String pusher) implements ParsedHook {

        public Push {
            Objects.requireNonNull(branch, "branch");
            Objects.requireNonNull(after, "after");
            changedPaths = List.copyOf(changedPaths);
        }

        @Override
        public Optional<ForgeRepository> repository() {
            return Optional.ofNullable(repo);
        }

        /** The event this push becomes, keyed by the clone URL the payload names (the {@code /hooks/github} route). */
        public CommitPushed toEvent(String forge) {
            return toEvent(forge, repo.cloneUrl());
        }

        /** The event this push becomes, for the repository {@code repoUrl} (from configuration). */
        public CommitPushed toEvent(String forge, String repoUrl) {
            return new CommitPushed(repoUrl, branch, before, after, changedPaths, deliveryId, forge, pathsComplete,
                    pusher);
        }
    }

    /**
     * A push that deleted a branch.
     *
     * @param repo   as for {@link Push}
     * @param before the branch head just before the deletion; 40 zeros when the forge does not say (Gitea's and
     *               Forgejo's {@code delete} event)
     */
    record Deletion(ForgeRepository repo, String branch, String before, String deliveryId, String pusher)
            implements ParsedHook {

        public Deletion {
            Objects.requireNonNull(branch, "branch");
            Objects.requireNonNull(before, "before");
        }

        @Override
        public Optional<ForgeRepository> repository() {
            return Optional.ofNullable(repo);
        }

        /** The event this deletion becomes, keyed by the clone URL the payload names. */
        public RefDeleted toEvent(String forge) {
            return toEvent(forge, repo.cloneUrl());
        }

        /** The event this deletion becomes, for the repository {@code repoUrl} (from configuration). */
        public RefDeleted toEvent(String forge, String repoUrl) {
            return new RefDeleted(repoUrl, branch, before, deliveryId, forge, pusher);
        }
    }

    /** A well-formed delivery Verity does not act on: a ping, another event, a tag push or deletion. */
    record Ignored(Optional<ForgeRepository> repository, String reason) implements ParsedHook {
        public Ignored {
            Objects.requireNonNull(repository, "repository");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /**
     * A delivery in a form this forge's endpoint does not read (a form-encoded body where the forge signs only
     * JSON deliveries in a way Verity can check); {@code reason} says how to set the webhook up instead.
     */
    record Unsupported(String reason) implements ParsedHook {
        public Unsupported {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Optional<ForgeRepository> repository() {
            return Optional.empty();
        }
    }

    /** A delivery that cannot be read: not JSON, or a push without the fields every push has. */
    record Invalid(String reason) implements ParsedHook {
        public Invalid {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public Optional<ForgeRepository> repository() {
            return Optional.empty();
        }
    }
}
