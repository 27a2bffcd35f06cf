package dev.verity.events;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.time.Instant;
import java.util.List;

/**
 * The rendered documents of one target at one commit: the latest one per target is kept on the compacted
 * topic {@code verity.desired.<cluster>}. Documents are YAML, one Kubernetes object each, in apply order.
 *
 * @param commitTargets the targets whose desired state the renderer published for this same commit of this
 *                      repository, this one included (empty when not told): an object that leaves one of them may
 *                      be joining another, whose desired state an applier can wait for before pruning it. Absent
 *                      in events written before it existed, which decode with it empty.
 * @param committedAt   when the commit was made (its committer time in Git), for the commit-to-healthy time; null
 *                      when not known (events written before it existed). Not part of the digest.
 * @param sources       the repository paths the render depended on (repository-relative, sorted; {@code .} is the
 *                      whole repository): every file the renderer read, every path it probed (present or not, e.g. the
 *                      {@code kustomization.yml} it looked for) and every directory it listed, with paths below a
 *                      listed one left out. A change at or below any of them may change the documents; a change
 *                      elsewhere cannot. Kept on the compacted topic so that a restarted renderer knows what each
 *                      target's render read without rendering it again. Empty when not told (events written before it
 *                      existed, which decode with it empty); consumers other than the renderer ignore it. Not part of
 *                      the digest.
 */
public record DesiredState(TargetKey target, String repo, String commit, String path, String digest,
        Policy policy, List<String> documents, List<TargetKey> commitTargets,
        @JsonSerialize(using = ToStringSerializer.class) @JsonDeserialize(using = IsoInstant.class) Instant committedAt,
        List<String> sources)
        implements TargetEvent {

    public DesiredState {
        Require.nonNull("target", target);
        Require.nonBlank("repo", repo);
        Require.nonBlank("commit", commit);
        Require.nonBlank("digest", digest);
        policy = policy == null ? Policy.DEFAULT : policy;
        documents = documents == null ? List.of() : List.copyOf(documents);
        commitTargets = commitTargets == null ? List.of() : List.copyOf(commitTargets);
        sources = sources == null ? List.of() : List.copyOf(sources);
    }

    public DesiredState(TargetKey target, String repo, String commit, String path, String digest, Policy policy,
            List<String> documents, List<TargetKey> commitTargets, Instant committedAt) {
        this(target, repo, commit, path, digest, policy, documents, commitTargets, committedAt, List.of());
    }

    public DesiredState(TargetKey target, String repo, String commit, String path, String digest, Policy policy,
            List<String> documents) {
        this(target, repo, commit, path, digest, policy, documents, List.of(), null);
    }

    public DesiredState(TargetKey target, String repo, String commit, String path, String digest, Policy policy,
            List<String> documents, List<TargetKey> commitTargets) {
        this(target, repo, commit, path, digest, policy, documents, commitTargets, null);
    }

    /** Builds a desired state whose digest is computed from its documents. */
    public static DesiredState of(TargetKey target, String repo, String commit, String path, Policy policy,
            List<String> documents) {
        return new DesiredState(target, repo, commit, path, Digests.ofDocuments(documents), policy, documents);
    }

    /** This desired state, told which targets were published for its commit. */
    public DesiredState withCommitTargets(List<TargetKey> targets) {
        return new DesiredState(target, repo, commit, path, digest, policy, documents, targets, committedAt, sources);
    }

    /** This desired state, told when its commit was made. */
    public DesiredState withCommittedAt(Instant time) {
        return new DesiredState(target, repo, commit, path, digest, policy, documents, commitTargets, time, sources);
    }

    /** This desired state, told which repository paths its render depended on. */
    public DesiredState withSources(List<String> paths) {
        return new DesiredState(target, repo, commit, path, digest, policy, documents, commitTargets, committedAt, paths);
    }
}
