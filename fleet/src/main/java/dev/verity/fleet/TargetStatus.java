package dev.verity.fleet;

import java.util.List;

/**
 * What {@code ./verity status} says of one target, built from the topics.
 *
 * @param target      {@code cluster/app/env}
 * @param repo        the repository it is rendered from
 * @param path        its overlay in the repository
 * @param commit      the commit of its latest desired state
 * @param digest      the digest of its latest desired state
 * @param renderedAt  when that desired state was published (ISO-8601), or null
 * @param sync        {@code Synced}, {@code OutOfSync} (applied, but drift is open), {@code Pending} (not applied
 *                    yet at this digest), {@code Applying}, {@code Failed}, {@code Waiting}, {@code Suspended} or
 *                    {@code RenderFailed}
 * @param syncDetail  why, for every state but {@code Synced}; null otherwise
 * @param appliedCommit the commit last applied, which differs from {@code commit} while a rollout is pending
 * @param health      {@code Healthy}, {@code Progressing}, {@code Degraded}, or {@code Unknown} (no verdict at this
 *                    digest yet)
 * @param healthDetail why, for {@code Progressing} and {@code Degraded}
 * @param drift       the objects that differ from Git now, each with its fields ({@code kind ns/name: field, ...})
 * @param incidents   open incidents of the notifier about this target ({@code KIND since <time>: title})
 */
public record TargetStatus(String target, String repo, String path, String commit, String digest, String renderedAt,
        String sync, String syncDetail, String appliedCommit, String health, String healthDetail, List<String> drift,
        List<String> incidents) {
}
