package dev.verity.events;

import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CommitPartitionsTest {

    private static final List<String> ONE_REPOSITORY = List.of("https://github.com/acme/gitops",
            "https://GitHub.com/acme/gitops.git/", "git@github.com:acme/gitops.git", "ssh://git@github.com:22/acme/gitops",
            "https://bot:token@github.com/acme/gitops");

    @Test
    void everyUrlFormOfOneRepositoryIsOneKeyAndOnePartition() {
        for (String url : ONE_REPOSITORY) {
            assertThat(CommitPartitions.key(url)).as(url).isEqualTo("github.com/acme/gitops");
            assertThat(CommitPartitions.of(url, 6)).as(url).isEqualTo(CommitPartitions.of(ONE_REPOSITORY.get(0), 6));
            CommitPushed push = new CommitPushed(url, "main", "0".repeat(40), "a".repeat(40), List.of(), "d1", "github");
            assertThat(push.key()).as(url).isEqualTo("github.com/acme/gitops");
            assertThat(new RefDeleted(url, "main", "a".repeat(40), "d2", "github", null).key()).isEqualTo(push.key());
        }
    }

    @Test
    void thePartitionIsTheOneKafkasDefaultPartitionerChoosesForTheKey() {
        Set<Integer> seen = new HashSet<>();
        try (StringSerializer serializer = new StringSerializer()) {
            for (int i = 0; i < 200; i++) {
                String url = "https://git.example.com/team-" + i + "/gitops.git";
                for (int partitions : new int[] {1, 2, 6, 7}) {
                    int expected = BuiltInPartitioner.partitionForKey(
                            serializer.serialize("verity.commits", CommitPartitions.key(url)), partitions);
                    assertThat(CommitPartitions.of(url, partitions)).as("%s over %d partitions", url, partitions)
                            .isEqualTo(expected);
                }
                seen.add(CommitPartitions.of(url, 6));
            }
        }
        assertThat(seen).as("repositories spread over the partitions").containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    }

    @Test
    void keysStayTheSameWhenCachedAndBadUrlsAreRefusedEveryTime() {
        for (int round = 0; round < 3; round++) {
            for (String url : ONE_REPOSITORY) assertThat(CommitPartitions.key(url)).as(url).isEqualTo("github.com/acme/gitops");
            assertThatThrownBy(() -> CommitPartitions.key(null)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> CommitPartitions.key("https:///nothing")).isInstanceOf(IllegalArgumentException.class);
        }
        // more URLs than the cache holds: it starts again, and every key is still right
        for (int i = 0; i < CommitPartitions.CACHED_KEYS + 10; i++) {
            assertThat(CommitPartitions.key("https://git.example.com/team/repo" + i + ".git"))
                    .isEqualTo("git.example.com/team/repo" + i);
        }
        assertThat(CommitPartitions.key(ONE_REPOSITORY.get(0))).isEqualTo("github.com/acme/gitops");
    }

    @Test
    void aRecordNamingNoRepositoryKeepsItsUrlWithoutUserInfo() {
        CommitPushed odd = new CommitPushed("https://bot:t0ken@/nothing", "main", null, "a".repeat(40), List.of(), "d", "generic");
        assertThat(odd.key()).isEqualTo("https:///nothing").doesNotContain("t0ken");
        assertThatThrownBy(() -> CommitPartitions.of("https://github.com/acme/gitops", 0))
                .hasMessageContaining("verity.commits has 0 partitions");
    }
}
