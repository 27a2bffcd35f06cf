package dev.verity.applier;

import dev.verity.events.DesiredState;
import dev.verity.events.Policy;
import dev.verity.events.TargetKey;
import dev.verity.events.Waiting;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class DependsOnTest {

    static final TargetKey DB = TargetKey.parse("local/db/prod");
    static final TargetKey WEB = TargetKey.parse("local/web/prod");

    final Map<TargetKey, DesiredIndex.Latest> latest = new HashMap<>();
    final Map<TargetKey, HealthTracker.TargetHealth> health = new HashMap<>();
    final DependsOn dependsOn = new DependsOn(t -> Optional.ofNullable(latest.get(t)), t -> Optional.ofNullable(health.get(t)));

    static DesiredState web(String commit) {
        return DesiredState.of(WEB, "https://git.example/g.git", commit, "apps/web/overlays/prod",
                new Policy(false, true, false, true, false, List.of("db")), List.of("kind: ConfigMap\n"));
    }

    @Test
    void aTargetIsHeldUntilItsDependencyIsHealthyAtItsLatestCommit() {
        Optional<DependsOn.Hold> noDesired = dependsOn.check(web("w1"));
        assertThat(noDesired.orElseThrow().reason()).isEqualTo("waits for local/db/prod, which has no desired state"
                + " yet (dependsOn); it is applied as soon as it is Healthy");
        Waiting said = noDesired.get().event().orElseThrow();
        assertThat(said.waitingFor()).containsExactly(DB);

        latest.put(DB, new DesiredIndex.Latest("d2", "sha256:d2"));
        health.put(DB, new HealthTracker.TargetHealth("d1", "sha256:d1", HealthTracker.State.HEALTHY, ""));
        assertThat(dependsOn.check(web("w1")).orElseThrow().reason()).contains("local/db/prod, not applied yet at d2");

        health.put(DB, new HealthTracker.TargetHealth("d2", "sha256:d2", HealthTracker.State.PROGRESSING, ""));
        Optional<DependsOn.Hold> progressing = dependsOn.check(web("w1"));
        assertThat(progressing.orElseThrow().reason()).contains("local/db/prod, which is Progressing");
        assertThat(dependsOn.check(web("w1")).orElseThrow().event()).as("the same reason is said once").isEmpty();
        assertThat(dependsOn.held()).containsExactly(WEB);

        health.put(DB, new HealthTracker.TargetHealth("d2", "sha256:d2", HealthTracker.State.HEALTHY, ""));
        latest.put(DB, new DesiredIndex.Latest("d3", "sha256:d2")); // republished at a newer commit, same digest
        List<DesiredState> released = dependsOn.dependentsOf(DB);
        assertThat(released).extracting(DesiredState::commit).containsExactly("w1");
        assertThat(dependsOn.check(released.get(0))).isEmpty();
        assertThat(dependsOn.held()).isEmpty();
    }

    @Test
    void aDegradedDependencyKeepsItsDependentHeldAndSaysSo() {
        latest.put(DB, new DesiredIndex.Latest("d1", "sha256:d1"));
        health.put(DB, new HealthTracker.TargetHealth("d1", "sha256:d1", HealthTracker.State.DEGRADED,
                "local/db/prod@d1: not ready after 5m"));

        Waiting waiting = dependsOn.check(web("w1")).orElseThrow().event().orElseThrow();

        assertThat(waiting.reason()).contains("local/db/prod, which is Degraded: local/db/prod@d1: not ready after 5m");
    }

    @Test
    void onlyTheLatestHeldDesiredStateOfATargetIsKeptAndTargetsWithoutDependenciesAreNeverHeld() {
        dependsOn.check(web("w1"));
        dependsOn.check(web("w2"));
        assertThat(dependsOn.dependentsOf(DB)).extracting(DesiredState::commit).containsExactly("w2");
        assertThat(dependsOn.dependentsOf(TargetKey.parse("local/db/staging"))).isEmpty();

        DesiredState free = DesiredState.of(DB, "https://git.example/g.git", "d1", "apps/db", Policy.DEFAULT, List.of());
        assertThat(dependsOn.check(free)).isEmpty();
        dependsOn.check(web("w3"));
        assertThat(dependsOn.drain()).extracting(DesiredState::commit).containsExactly("w3");
        assertThat(dependsOn.held()).isEmpty();
    }
}
