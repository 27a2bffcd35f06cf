package dev.verity.renderer.service;

import dev.verity.events.EventCodec;
import dev.verity.events.TargetKey;
import dev.verity.events.TargetRemoved;
import dev.verity.events.Topics;
import dev.verity.renderer.ShopFixture;
import dev.verity.testkit.git.GitRepos;
import dev.verity.testkit.kafka.EmbeddedKafka;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The packaged renderer (target/quarkus-app), restarted as its own process against a real Kafka broker: what it
 * published is rebuilt from the desired-state topics, so a restart publishes nothing new, and an overlay deleted
 * while it was down is removed (TargetRemoved, then the tombstone) when it comes back.
 */
class RendererRestartIT {

    private static final String LOCAL = Topics.desired("local");
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path tmp;

    private static EmbeddedKafka kafka;
    private static GitRepos repo;
    private final EventCodec codec = new EventCodec();

    @BeforeAll
    static void start() {
        kafka = EmbeddedKafka.start();
        repo = GitRepos.createBare(tmp.resolve("shop.git"));
    }

    @AfterAll
    static void stop() {
        if (repo != null) repo.close();
        if (kafka != null) kafka.close();
    }

    @Test
    void aRestartRepublishesNothingAndRemovesAnOverlayDeletedWhileDown() throws Exception {
        String first = repo.commit("main", "shop", ShopFixture.app("shop", "hello"));

        try (RendererProcess renderer = startRenderer(1)) {
            await().atMost(WAIT).untilAsserted(() -> assertThat(keys()).containsExactlyInAnyOrder("local/shop/dev", "local/shop/prod"));
            renderer.awaitLog("rendered (partition assigned)");
        }
        List<ConsumerRecord<String, String>> before = kafka.readAll(LOCAL);

        try (RendererProcess renderer = startRenderer(2)) {
            renderer.awaitLog("@" + first.substring(0, 12) + " rendered (partition assigned): 0 target(s) built (0 unchanged), 2 skipped");
            assertThat(renderer.log()).contains("2 target(s) published before this start");
        }
        assertThat(kafka.readAll(LOCAL)).as("nothing republished after a restart").hasSize(before.size());

        String removal = repo.on("main").delete("apps/shop/overlays/dev").message("retire dev").commit();
        try (RendererProcess renderer = startRenderer(3)) {
            await().atMost(WAIT).untilAsserted(() -> {
                List<ConsumerRecord<String, String>> dev = kafka.readAll(LOCAL).stream()
                        .filter(r -> r.key().equals("local/shop/dev")).toList();
                assertThat(dev.get(dev.size() - 1).value()).as("tombstone").isNull();
                assertThat(codec.decode(dev.get(dev.size() - 2).value())).isEqualTo(
                        new TargetRemoved(TargetKey.parse("local/shop/dev"), repo.url(), removal));
            });
            renderer.awaitLog("rendered (partition assigned)");
        }
        assertThat(kafka.readAll(LOCAL)).as("prod's files did not change: not republished")
                .filteredOn(r -> r.key().equals("local/shop/prod")).hasSize(1);
    }

    private List<String> keys() {
        return kafka.readAll(LOCAL).stream().map(ConsumerRecord::key).toList();
    }

    /** One run of the packaged renderer against this test's broker and repository, its output in a log file. */
    private static RendererProcess startRenderer(int run) throws IOException {
        return RendererProcess.start(tmp.resolve("renderer-" + run + ".log"), Map.of(
                "kafka.bootstrap.servers", kafka.bootstrapServers(),
                "verity.renderer.repositories[0].url", repo.url(),
                "verity.renderer.work-dir", tmp.resolve("work").toString(),
                "verity.renderer.poll-interval", "1h"));
    }
}
