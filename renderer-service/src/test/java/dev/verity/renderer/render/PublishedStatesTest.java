package dev.verity.renderer.render;

import dev.verity.events.DesiredState;
import dev.verity.events.Policy;
import dev.verity.events.TargetKey;
import dev.verity.events.TargetRemoved;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

class PublishedStatesTest {

    private static final TargetKey DEV = TargetKey.parse("local/shop/dev");
    private static final TargetKey PROD = TargetKey.parse("local/shop/prod");
    private static final TargetKey BLOG = TargetKey.parse("local/blog/dev");

    private static DesiredState state(TargetKey target, String repo, String commit) {
        return DesiredState.of(target, repo, commit, "apps/x", Policy.DEFAULT, List.of("kind: ConfigMap\n"))
                .withSources(List.of("apps/x"));
    }

    @Test
    void theLastRecordPerTargetWinsARemovalOrTombstoneClearsItAndDocumentsAreNotKept() {
        PublishedStates states = new PublishedStates();
        DesiredState prodLatest = state(PROD, "file:///a.git", "c".repeat(40));
        states.accept(DEV, state(DEV, "file:///a.git", "a".repeat(40)));
        states.accept(PROD, state(PROD, "file:///a.git", "a".repeat(40)));
        states.accept(PROD, prodLatest);
        states.accept(BLOG, state(BLOG, "file:///b.git", "b".repeat(40)));
        states.accept(DEV, new TargetRemoved(DEV, "file:///a.git", "d".repeat(40)));
        states.accept(DEV, null);
        states.accept(BLOG, null);

        assertThat(states.size()).isEqualTo(1);
        assertThat(states.byRepository(Function.identity())).containsOnlyKeys("file:///a.git");
        DesiredState prod = states.byRepository(Function.identity()).get("file:///a.git").get(0);
        assertThat(prod.commit()).isEqualTo(prodLatest.commit());
        assertThat(prod.digest()).isEqualTo(prodLatest.digest());
        assertThat(prod.sources()).containsExactly("apps/x");
        assertThat(prod.documents()).isEmpty();
    }
}
