package dev.verity.events.trace;

import dev.verity.events.CommitPushed;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftKind;
import dev.verity.events.ObjectRef;
import dev.verity.events.TargetKey;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SpanAttributesTest {

    static final String SHA = "fd489864e7642b48eaad6e3f155c10e46810ec72";

    @Test
    void aTargetEventNamesTargetRepositoryAndCommit() {
        DriftDetected drift = new DriftDetected(new TargetKey("local", "shop", "prod"), "https://git.example.com/gitops.git",
                SHA, new ObjectRef("v1", "Secret", "shop-prod", "db"), DriftKind.MODIFIED, List.of("data.password"), "7");
        assertThat(SpanAttributes.of(drift)).containsExactly(
                java.util.Map.entry("verity.event.type", "dev.verity.drift.detected.v1"),
                java.util.Map.entry("verity.target", "local/shop/prod"),
                java.util.Map.entry("verity.cluster", "local"),
                java.util.Map.entry("verity.app", "shop"),
                java.util.Map.entry("verity.env", "prod"),
                java.util.Map.entry("verity.repo", "https://git.example.com/gitops.git"),
                java.util.Map.entry("verity.commit", SHA));
    }

    @Test
    void aTokenInTheCloneUrlNeverReachesASpan() {
        CommitPushed pushed = new CommitPushed("https://bot:ghp_s3cr3t@git.example.com/gitops.git", "main", "0".repeat(40),
                SHA, List.of(), "d-1", "github");
        assertThat(SpanAttributes.of(pushed)).containsEntry("verity.repo", "https://git.example.com/gitops.git")
                .doesNotContainKey("verity.target");
        assertThat(SpanAttributes.of(pushed).toString()).doesNotContain("s3cr3t");
    }
}
