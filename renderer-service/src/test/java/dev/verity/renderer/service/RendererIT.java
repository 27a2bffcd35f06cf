package dev.verity.renderer.service;

import dev.verity.events.CommitPushed;
import dev.verity.events.DesiredState;
import dev.verity.events.EventCodec;
import dev.verity.events.Policy;
import dev.verity.events.RefDeleted;
import dev.verity.events.RenderFailed;
import dev.verity.events.Rendered;
import dev.verity.events.TargetKey;
import dev.verity.events.TargetRemoved;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.renderer.ShopFixture;
import dev.verity.testkit.kafka.EmbeddedKafka;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import dev.verity.testkit.metrics.PrometheusText;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

/** The renderer with a real Kafka broker, real Git repositories and real Kustomize. */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = RepositoriesResource.class, restrictToAnnotatedClass = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RendererIT {

    private static final String LOCAL = Topics.desired("local");
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final EventCodec codec = new EventCodec();

    private static EmbeddedKafka kafka() {
        return EmbeddedKafkaResource.kafka();
    }

    @Test
    @Order(1)
    void aLateWebhookNamingAnOldCommitRendersTheBranchHead() throws Exception {
        String old = RepositoriesResource.shopFirstCommit;
        String head = RepositoriesResource.shop.commit("main", "greeting v2",
                Map.of("apps/shop/base/configmap.yaml", ShopFixture.app("shop", "v2").get("apps/shop/base/configmap.yaml")));
        // the forge reports the repository without .git: URLs are matched after normalising
        String reported = RepositoriesResource.shop.url().replaceAll("\\.git$", "");
        sendCommit(new CommitPushed(reported, "main", "0".repeat(40), old, List.of(), "delivery-1", "github"));

        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(latest(LOCAL, "local/shop/dev")).map(DesiredState::commit).contains(head);
            assertThat(latest(LOCAL, "local/shop/prod")).map(DesiredState::commit).contains(head);
        });
        DesiredState prod = latest(LOCAL, "local/shop/prod").orElseThrow();
        assertThat(prod.repo()).isEqualTo(RepositoriesResource.shop.url());
        assertThat(prod.path()).isEqualTo("apps/shop/overlays/prod");
        assertThat(prod.policy()).isEqualTo(Policy.DEFAULT);
        assertThat(prod.committedAt()).as("the commit's time in Git, for commit-to-healthy").isNotNull()
                .isBefore(java.time.Instant.now().plusSeconds(5));
        assertThat(kinds(prod)).containsExactly("Namespace", "ConfigMap", "Service", "Deployment");
        assertThat(prod.documents().get(0)).contains("name: shop-prod");
        assertThat(prod.documents().get(1)).contains("GREETING: v2").contains("namespace: shop-prod");
        assertThat(prod.documents().get(3)).contains("replicas: 3");
        assertThat(latest(LOCAL, "local/shop/dev").orElseThrow().documents().get(0)).contains("name: shop-dev");
        for (String target : List.of("local/shop/dev", "local/shop/prod")) {
            // one target's records are on one partition, in order
            assertThat(desiredStates(LOCAL).stream().filter(d -> d.key().equals(target))
                    .dropWhile(d -> !d.commit().equals(head)).toList())
                    .as("nothing after the head's render of %s names the old commit", target)
                    .noneMatch(d -> d.commit().equals(old));
        }

        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka().bootstrapServers()))) {
            ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, LOCAL);
            Config config = admin.describeConfigs(List.of(topic)).all().get(30, TimeUnit.SECONDS).get(topic);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(config.get("compression.type").value()).isEqualTo("zstd");
            assertThat(config.get("max.message.bytes").value()).isEqualTo(String.valueOf(Topics.DESIRED_MAX_MESSAGE_BYTES));
        }
    }

    @Test
    @Order(2)
    void aReplayedOrUnknownWebhookPublishesNothingAndAPoisonRecordGoesToTheDeadLetterTopic() {
        await().atMost(WAIT).until(() -> latest(LOCAL, "local/shop/prod").isPresent());
        int before = kafka().readAll(LOCAL).size();
        int failuresBefore = kafka().readAll(Topics.ROLLOUT).size();
        String head = RepositoriesResource.shop.head("main").orElseThrow();
        sendCommit(new CommitPushed(RepositoriesResource.shop.url(), "main", "0".repeat(40), head, List.of(), "delivery-2", "github"));
        sendCommit(new CommitPushed("https://github.com/acme/not-configured", "main", "0".repeat(40), head, List.of(),
                "delivery-unknown", "github"));
        // records of one key are handled in order: once the poison record is dead-lettered, the replay was handled
        kafka().send(Topics.COMMITS, RepositoriesResource.shop.url(), "{not a cloud event");

        await().atMost(WAIT).untilAsserted(() -> assertThat(kafka().readValues(Topics.deadLetter(Topics.COMMITS)))
                .containsExactly("{not a cloud event"));
        assertThat(kafka().readAll(LOCAL)).as("the replay renders the same digests: nothing new").hasSize(before);
        assertThat(kafka().readAll(Topics.ROLLOUT)).as("an unconfigured repository is skipped, not a failure").hasSize(failuresBefore);
    }

    @Test
    @Order(3)
    void aBrokenOverlayPublishesRenderFailedAndNoDesiredStateForThatTarget() {
        await().atMost(WAIT).until(() -> latest(LOCAL, "local/shop/prod").isPresent());
        int before = kafka().readAll(LOCAL).size();
        String broken = RepositoriesResource.shop.commit("main", "prod: add an ingress file that is not there",
                ShopFixture.brokenProd("shop"));
        // a newer receiver's event type on the same partition first: skipped and counted, not dead-lettered
        String newType = "{\"specversion\":\"1.0\",\"id\":\"n-1\",\"source\":\"/verity/webhook-receiver\","
                + "\"type\":\"dev.verity.tag.pushed.v1\",\"data\":{\"tag\":\"v1.0.0\"}}";
        kafka().send(Topics.COMMITS, RepositoriesResource.shop.url(), newType);
        sendCommit(new CommitPushed(RepositoriesResource.shop.url(), "main", "0".repeat(40), broken, List.of(), "delivery-3", "github"));

        await().atMost(WAIT).untilAsserted(() -> assertThat(events(Topics.ROLLOUT)).anySatisfy(e ->
                assertThat(e).isInstanceOfSatisfying(RenderFailed.class, f -> {
                    assertThat(f.key()).isEqualTo("local/shop/prod");
                    assertThat(f.commit()).isEqualTo(broken);
                    assertThat(f.path()).isEqualTo("apps/shop/overlays/prod");
                    assertThat(f.error()).contains("missing-ingress.yaml").contains("fix apps/shop/overlays/prod");
                })));
        assertThat(kafka().readAll(Topics.ROLLOUT)).filteredOn(r -> r.value().contains(broken))
                .filteredOn(r -> !r.value().contains("dev.verity.render.rendered.v1"))
                .extracting(ConsumerRecord::key).containsOnly("local/shop/prod");
        // then the summary of the head, keyed by repository: prod failed, dev left as it was
        await().atMost(WAIT).untilAsserted(() -> assertThat(events(Topics.ROLLOUT)).anySatisfy(e ->
                assertThat(e).isInstanceOfSatisfying(Rendered.class, r -> {
                    assertThat(r.commit()).isEqualTo(broken);
                    assertThat(r.key()).isEqualTo(RepositoriesResource.shop.url());
                    assertThat(r.failed()).containsExactly(TargetKey.parse("local/shop/prod"));
                    assertThat(r.changed()).isEmpty();
                    assertThat(r.unchanged()).contains(TargetKey.parse("local/shop/dev"));
                })));
        assertThat(kafka().readValues(Topics.deadLetter(Topics.COMMITS))).doesNotContain(newType);
        given().get("/verity/events/skipped").then().statusCode(200).body("'dev.verity.tag.pushed.v1'", equalTo(1));
        assertThat(kafka().readAll(LOCAL)).as("dev is unchanged and prod failed: nothing new is desired").hasSize(before);
        assertThat(desiredStates(LOCAL)).noneMatch(d -> d.commit().equals(broken));
    }

    @Test
    @Order(4)
    void verityYamlSendsProdToTwoClustersEachOnItsOwnTopic() {
        String fleet = RepositoriesResource.fleet.head("main").orElseThrow();
        for (String cluster : List.of("prod-eu", "prod-us")) {
            String key = cluster + "/billing/prod";
            await().atMost(WAIT).untilAsserted(() ->
                    assertThat(latest(Topics.desired(cluster), key)).map(DesiredState::commit).contains(fleet));
            DesiredState state = latest(Topics.desired(cluster), key).orElseThrow();
            assertThat(state.policy().selfHeal()).isTrue();
            assertThat(state.documents().get(0)).contains("name: billing-prod");
            assertThat(kafka().readAll(Topics.desired(cluster))).extracting(ConsumerRecord::key).containsOnly(key);
        }
        await().atMost(WAIT).untilAsserted(() ->
                assertThat(latest(LOCAL, "local/billing/dev")).map(DesiredState::commit).contains(fleet));
        assertThat(latest(LOCAL, "local/billing/dev").orElseThrow().policy().selfHeal()).isFalse();
        assertThat(kafka().readAll(LOCAL)).extracting(ConsumerRecord::key).doesNotContain("local/billing/prod");
    }

    @Test
    @Order(5)
    void anOverlayDeletedFromGitIsRemovedThenTombstoned() {
        await().atMost(WAIT).until(() -> latest(LOCAL, "local/shop/dev").isPresent());
        String removal = RepositoriesResource.shop.on("main").delete("apps/shop/overlays/dev").message("retire dev").commit();
        sendCommit(new CommitPushed(RepositoriesResource.shop.url(), "main", "0".repeat(40), removal, List.of(), "delivery-5", "github"));

        await().atMost(WAIT).untilAsserted(() -> {
            List<ConsumerRecord<String, String>> dev = kafka().readAll(LOCAL).stream()
                    .filter(r -> r.key().equals("local/shop/dev")).toList();
            assertThat(dev.get(dev.size() - 1).value()).as("tombstone").isNull();
            assertThat(codec.decode(dev.get(dev.size() - 2).value())).isEqualTo(
                    new TargetRemoved(TargetKey.parse("local/shop/dev"), RepositoriesResource.shop.url(), removal));
        });
    }

    @Test
    @Order(6)
    void aDependsOnCycleInVerityYamlIsARenderFailedNamingTheCycleAndLineAndPublishesNothing() {
        await().atMost(WAIT).until(() -> latest(Topics.desired("prod-eu"), "prod-eu/billing/prod").isPresent());
        String cycle = RepositoriesResource.fleet.on("main").put("verity.yaml", """
                environments:
                  dev:  { clusters: [local] }
                  prod: { clusters: [prod-eu, prod-us] }
                apps:
                  billing:
                    policy: { dependsOn: [ledger] }
                    overrides:
                      prod: { selfHeal: true }
                  ledger:
                    policy: { dependsOn: [billing] }
                """).message("billing and ledger wait for each other").commit();
        sendCommit(new CommitPushed(RepositoriesResource.fleet.url(), "main", "0".repeat(40), cycle, List.of(), "delivery-6", "github"));

        await().atMost(WAIT).untilAsserted(() -> assertThat(events(Topics.ROLLOUT)).anySatisfy(e ->
                assertThat(e).isInstanceOfSatisfying(RenderFailed.class, f -> {
                    assertThat(f.commit()).isEqualTo(cycle);
                    assertThat(f.target()).isNull();
                    assertThat(f.path()).isEqualTo("verity.yaml");
                    assertThat(f.error()).startsWith("verity.yaml line 6: dependsOn cycle in environment dev: "
                            + "billing -> ledger -> billing ('ledger' in apps.billing.policy.dependsOn (line 6), "
                            + "'billing' in apps.ledger.policy.dependsOn (line 10))")
                            .contains("remove one of these dependencies").contains("every cluster keeps its last good state");
                })));
        for (String cluster : List.of("local", "prod-eu", "prod-us")) {
            assertThat(kafka().readValues(Topics.desired(cluster))).as(cluster)
                    .noneMatch(v -> v != null && codec.decode(v).commit().equals(cycle));
        }
        assertThat(events(Topics.ROLLOUT)).filteredOn(e -> cycle.equals(e.commit())).hasSize(1);
    }

    @Test
    @Order(7)
    void qMetricsCountsRendersByOutcomeAndSkippedEvents() {
        PrometheusText metrics = PrometheusText.parse(given().get("/q/metrics").then().statusCode(200).extract().asString());

        assertThat(metrics.names("verity_")).contains("verity_renders_total", "verity_render_duration_seconds_count",
                "verity_render_duration_seconds_bucket", "verity_events_skipped_total", "verity_render_skips_total",
                "verity_render_failures_total", "verity_targets_removed_total",
                "verity_target_render_duration_seconds_bucket", "verity_targets_rendered_per_commit_bucket");
        assertThat(metrics.count("verity_renders_total", Map.of("result", "published"))).isGreaterThanOrEqualTo(1);
        // the broken prod overlay (@Order(3)), the retired dev overlay (@Order(5)), the dependsOn cycle (@Order(6))
        assertThat(metrics.count("verity_renders_total", Map.of("result", "failed"))).isGreaterThanOrEqualTo(1);
        assertThat(metrics.count("verity_render_failures_total", Map.of("scope", "target"))).isGreaterThanOrEqualTo(1);
        assertThat(metrics.count("verity_render_failures_total", Map.of("scope", "repository"))).isGreaterThanOrEqualTo(1);
        assertThat(metrics.count("verity_targets_removed_total", Map.of())).isGreaterThanOrEqualTo(1);
        // @Order(3)'s commit changes prod only: dev is skipped
        assertThat(metrics.count("verity_render_skips_total", Map.of())).isGreaterThanOrEqualTo(1);
        assertThat(metrics.count("verity_render_duration_seconds_count", Map.of("outcome", "rendered")))
                .isGreaterThanOrEqualTo(1);
        assertThat(metrics.value("verity_events_skipped_total", Map.of("type", "dev.verity.tag.pushed.v1")))
                .contains(1.0);
    }

    @Test
    @Order(8)
    void deletingTheRenderedBranchAlertsAndChangesNothingInTheClusters() {
        String url = RepositoriesResource.shop.url();
        String head = RepositoriesResource.shop.head("main").orElseThrow();
        int desiredBefore = kafka().readAll(LOCAL).size();

        // another branch's deletion first: records of one key are handled in order
        send(new RefDeleted(url, "feature/x", head, "delivery-del-0", "gitea", "octocat"));
        send(new RefDeleted(url, "main", head, "delivery-del-1", "github", "octocat"));

        // the rollout topic has several partitions: find the alert by its delivery id, not by position
        await().atMost(WAIT).untilAsserted(() -> assertThat(kafka().readValues(Topics.ROLLOUT))
                .anyMatch(v -> v.contains("delivery-del-1")));
        List<String> rollout = kafka().readValues(Topics.ROLLOUT);
        assertThat(rollout).as("the other branch's deletion is not alerted").noneMatch(v -> v.contains("delivery-del-0"));
        List<String> alerts = rollout.stream().filter(v -> v.contains("delivery-del-1")).toList();
        assertThat(alerts).hasSize(1);
        assertThat(codec.decode(alerts.get(0))).isInstanceOfSatisfying(RenderFailed.class, f -> {
            assertThat(f.target()).as("repository-wide").isNull();
            assertThat(f.key()).isEqualTo(url);
            assertThat(f.commit()).isEqualTo(head);
            assertThat(f.error()).contains("branch main of").contains("was deleted by octocat")
                    .contains("delivery-del-1").contains("Nothing was removed from the clusters");
        });
        assertThat(kafka().readAll(LOCAL)).as("no TargetRemoved, no tombstone, no render").hasSize(desiredBefore);

        // Gitea and Forgejo's delete event names no commit (40 zeros): the alert names the last head rendered
        send(new RefDeleted(url, "main", "0".repeat(40), "delivery-del-2", "forgejo", "octocat"));
        await().atMost(WAIT).untilAsserted(() -> assertThat(kafka().readValues(Topics.ROLLOUT))
                .anyMatch(v -> v.contains("delivery-del-2")));
        String forgejo = kafka().readValues(Topics.ROLLOUT).stream().filter(v -> v.contains("delivery-del-2")).findFirst().orElseThrow();
        assertThat(codec.decode(forgejo)).isInstanceOfSatisfying(RenderFailed.class, f -> {
            assertThat(f.commit()).isEqualTo(head);
            assertThat(f.error()).contains("git push origin " + head + ":refs/heads/main").doesNotContain("0".repeat(40));
        });
    }

    private void send(VerityEvent event) {
        kafka().send(Topics.COMMITS, event.key(), codec.encode(event));
    }

    private void sendCommit(CommitPushed commit) {
        kafka().send(Topics.COMMITS, commit.key(), codec.encode(commit));
    }

    private List<VerityEvent> events(String topic) {
        return kafka().readValues(topic).stream().map(codec::decode).toList();
    }

    private List<DesiredState> desiredStates(String topic) {
        return events(topic).stream().map(DesiredState.class::cast).toList();
    }

    private Optional<DesiredState> latest(String topic, String key) {
        List<ConsumerRecord<String, String>> records = kafka().readAll(topic).stream().filter(r -> r.key().equals(key)).toList();
        if (records.isEmpty()) return Optional.empty();
        return Optional.of(codec.decode(records.get(records.size() - 1).value(), DesiredState.class));
    }

    private static List<String> kinds(DesiredState state) {
        return state.documents().stream()
                .map(d -> d.lines().filter(l -> l.startsWith("kind: ")).findFirst().orElseThrow().substring(6)).toList();
    }
}
