package dev.verity.renderer.service;

import dev.verity.events.CommitPartitions;
import dev.verity.events.CommitPushed;
import dev.verity.events.DesiredState;
import dev.verity.events.EventCodec;
import dev.verity.events.Topics;
import dev.verity.events.topics.TopicSettings;
import dev.verity.renderer.ShopFixture;
import dev.verity.testkit.git.GitHttpServer;
import dev.verity.testkit.git.GitRepos;
import dev.verity.testkit.kafka.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static dev.verity.renderer.service.RendererProcess.WAIT;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Renderer replicas, each the packaged renderer as its own process, against a real Kafka broker and real Git
 * repositories: they share the repositories by partition of {@code verity.commits}, each repository rendered by
 * exactly one of them; when one stops, the other takes its repositories over and renders their newest heads, and no
 * target's desired state ever goes back to an older commit. And within one renderer, a repository whose Git server
 * does not answer does not hold up the others.
 */
class RendererReplicasIT {

    private static final String LOCAL = Topics.desired("local");
    private static final int PARTITIONS = TopicSettings.DEFAULT_PARTITIONS;

    @TempDir
    static Path tmp;

    private static EmbeddedKafka kafka;
    private final EventCodec codec = new EventCodec();

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
    }

    @AfterAll
    static void stop() {
        if (kafka != null) kafka.close();
    }

    @Test
    void replicasShareTheRepositoriesAndTheSurvivorTakesOverWithTheNewestHeads() throws Exception {
        // one repository on each partition of verity.commits, so that both replicas own some whatever the assignor does
        Map<Integer, GitRepos> byPartition = new TreeMap<>();
        for (int i = 0; byPartition.size() < PARTITIONS; i++) {
            Path dir = tmp.resolve("repo-" + i + ".git");
            int partition = CommitPartitions.of("file://" + dir.toUri().getRawPath(), PARTITIONS);
            if (!byPartition.containsKey(partition)) byPartition.put(partition, GitRepos.createBare(dir));
        }
        List<GitRepos> repos = new ArrayList<>(byPartition.values());
        Map<String, List<String>> commits = new HashMap<>(); // repo url -> its heads, oldest first
        for (GitRepos repo : repos) commit(repo, commits, "v1");

        Map<String, String> config = new LinkedHashMap<>();
        config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        config.put("verity.renderer.poll-interval", "2s");
        for (int i = 0; i < repos.size(); i++) config.put("verity.renderer.repositories[" + i + "].url", repos.get(i).url());

        RendererProcess a = RendererProcess.start(tmp.resolve("a.log"), with(config, "verity.renderer.work-dir", tmp.resolve("work-a")));
        try (RendererProcess b = RendererProcess.start(tmp.resolve("b.log"), with(config, "verity.renderer.work-dir", tmp.resolve("work-b")))) {
            awaitHeads(repos, commits);
            // the group settles with three partitions, so three repositories, each
            a.awaitLog("owns 3 of 6 repositories");
            b.awaitLog("owns 3 of 6 repositories");
            await().atMost(WAIT).untilAsserted(() -> assertThat(lastOwnership(a) + lastOwnership(b)).isEqualTo(6));

            for (GitRepos repo : repos) commit(repo, commits, "v2");
            awaitHeads(repos, commits);
            List<String> ownedByA = new ArrayList<>();
            for (GitRepos repo : repos) {
                String rendered = repo.url() + "#main@" + last(commits, repo).substring(0, 12) + " rendered";
                boolean byA = a.log().contains(rendered);
                boolean byB = b.log().contains(rendered);
                assertThat(byA ^ byB).as("%s rendered by exactly one replica (a: %s, b: %s)", rendered, byA, byB).isTrue();
                if (byA) ownedByA.add(repo.url());
            }
            assertThat(ownedByA).as("each replica renders its three repositories").hasSize(3);

            a.close(); // a graceful stop: a leaves the group, b is assigned its partitions
            for (GitRepos repo : repos) commit(repo, commits, "v3");
            awaitHeads(repos, commits);
            b.awaitLog("owns 6 of 6 repositories");
            for (String url : ownedByA) {
                String head = commits.get(url).get(2);
                assertThat(b.log()).as("b rendered the newest head of a's %s", url)
                        .contains(url + "#main@" + head.substring(0, 12) + " rendered");
            }
        } finally {
            a.close();
        }
        assertNeverBackwards(commits);
        repos.forEach(GitRepos::close);
    }

    @Test
    void aRepositoryWhoseGitServerDoesNotAnswerDoesNotHoldUpAnother() throws Exception {
        GitRepos slow = GitRepos.createBare(tmp.resolve("forge").resolve("slow.git"));
        GitRepos fast = GitRepos.createBare(tmp.resolve("fast.git"));
        String slowHead = slow.commit("main", "slow app", ShopFixture.app("slow", "v1"));
        String fastHead = fast.commit("main", "fast app", ShopFixture.app("fast", "v1"));
        try (GitHttpServer forge = GitHttpServer.open(tmp.resolve("forge"));
                GitHttpServer.Hold hold = forge.hold("slow.git")) {
            Map<String, String> config = new LinkedHashMap<>();
            config.put("kafka.bootstrap.servers", kafka.bootstrapServers());
            config.put("verity.renderer.poll-interval", "1h"); // renders at assignment, then on commit events only
            config.put("verity.renderer.fetch-timeout", "10m");
            config.put("verity.renderer.work-dir", tmp.resolve("work-parallel").toString());
            config.put("verity.renderer.repositories[0].url", forge.url("slow.git"));
            config.put("verity.renderer.repositories[1].url", fast.url());
            try (RendererProcess renderer = RendererProcess.start(tmp.resolve("parallel.log"), config)) {
                await().atMost(WAIT).untilAsserted(() -> assertThat(latest("local/fast/prod")).contains(fastHead));
                assertThat(hold.arrived()).as("the slow repository's fetch is waiting on its Git server").isPositive();

                String fastNext = fast.commit("main", "fast v2", ShopFixture.app("fast", "v2"));
                CommitPushed push = new CommitPushed(fast.url(), "main", fastHead, fastNext, List.of(), "d-fast", "github");
                kafka.send(Topics.COMMITS, push.key(), codec.encode(push));
                await().atMost(WAIT).untilAsserted(() -> assertThat(latest("local/fast/prod")).contains(fastNext));
                assertThat(latest("local/slow/prod")).as("nothing of the slow repository while its fetch waits").isEmpty();

                hold.close();
                await().atMost(WAIT).untilAsserted(() -> assertThat(latest("local/slow/prod")).contains(slowHead));
                assertThat(renderer.process().isAlive()).isTrue();
            }
        }
        slow.close();
        fast.close();
    }

    /** Commits a new version of the repository's app ({@code app-<n>} from its name) and remembers its head. */
    private static void commit(GitRepos repo, Map<String, List<String>> commits, String greeting) {
        String app = "app-" + repo.directory().getFileName().toString().replaceAll("\\D", "");
        commits.computeIfAbsent(repo.url(), u -> new ArrayList<>())
                .add(repo.commit("main", app + " " + greeting, ShopFixture.app(app, greeting)));
    }

    private static String last(Map<String, List<String>> commits, GitRepos repo) {
        List<String> heads = commits.get(repo.url());
        return heads.get(heads.size() - 1);
    }

    private void awaitHeads(List<GitRepos> repos, Map<String, List<String>> commits) {
        await().atMost(WAIT).untilAsserted(() -> {
            Map<String, String> latest = new HashMap<>();
            for (DesiredState d : desiredStates()) latest.put(d.target().toString(), d.commit());
            for (GitRepos repo : repos) {
                String app = "app-" + repo.directory().getFileName().toString().replaceAll("\\D", "");
                for (String env : List.of("dev", "prod")) {
                    assertThat(latest.get("local/" + app + "/" + env)).as("%s %s", app, env).isEqualTo(last(commits, repo));
                }
            }
        });
    }

    /** For every target, its desired states follow its repository's commits in order: never an older one after a newer. */
    private void assertNeverBackwards(Map<String, List<String>> commits) {
        Map<String, Integer> seen = new HashMap<>();
        for (DesiredState d : desiredStates()) {
            int index = commits.get(d.repo()).indexOf(d.commit());
            assertThat(index).as("%s is one of the commits made", d.describe()).isNotNegative();
            Integer before = seen.put(d.target().toString(), index);
            if (before != null) {
                assertThat(index).as("%s published after a newer commit of its target", d.describe()).isGreaterThanOrEqualTo(before);
            }
        }
    }

    private List<DesiredState> desiredStates() {
        List<DesiredState> states = new ArrayList<>();
        for (ConsumerRecord<String, String> r : kafka.readAll(LOCAL)) {
            if (r.value() != null && codec.decode(r.value()) instanceof DesiredState d) states.add(d);
        }
        return states;
    }

    private Optional<String> latest(String target) {
        return desiredStates().stream().filter(d -> d.target().toString().equals(target)).reduce((x, y) -> y)
                .map(DesiredState::commit);
    }

    /** How many repositories the replica's last ownership line says it owns. */
    private static int lastOwnership(RendererProcess replica) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("owns (\\d+) of 6 repositories").matcher(replica.log());
        int owned = -1;
        while (m.find()) owned = Integer.parseInt(m.group(1));
        return owned;
    }

    private static Map<String, String> with(Map<String, String> config, String key, Path value) {
        Map<String, String> copy = new LinkedHashMap<>(config);
        copy.put(key, value.toString());
        return copy;
    }
}
