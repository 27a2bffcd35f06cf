package dev.verity.reliability;

import dev.verity.events.CommitPartitions;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftResolved;
import dev.verity.events.EventCodec;
import dev.verity.events.SyncRequested;
import dev.verity.events.Topics;
import dev.verity.stack.DemoStory;
import dev.verity.stack.LocalForge;
import dev.verity.stack.LocalStack;
import dev.verity.testkit.forge.StatusCall;
import dev.verity.testkit.slack.SlackMessage;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * A record that is not a Verity event written to every topic a service consumes. Each must land on
 * {@code <topic>.dlq} exactly once per consuming service ({@link SuiteContext#CONSUMERS}: nothing restarts during the
 * scenario, so no consumer reads it twice), and every service must keep consuming, which the scenario proves
 * service by service with inputs sent after the poison: a push converges (renderer: its group's committed offset
 * passes the poison and the push; applier: {@code Applied}), the commit gets its status on the forge (notifier,
 * {@code verity.rollout} and {@code verity.commits}: its group's offsets pass the poison too), a
 * {@code kubectl scale} is reported as drift (drift monitor, from its desired, applied and rollout inputs) and
 * alerted on Slack (notifier, {@code verity.drift}), the applier logs why it does not heal it ({@code verity.drift}),
 * and a sync request puts it back (applier, {@code verity.requests}), resolved in the alert's thread.
 */
public final class PoisonScenario implements Scenario {

    static final String NOT_HEALED = "not healed: the target's policy says selfHeal: false";

    @Override
    public String name() {
        return "poison records on every consumed topic";
    }

    @Override
    public void steps(SuiteContext ctx, ScenarioResult.Builder b) throws Exception {
        Duration wait = ctx.options().timeout();
        LocalStack stack = ctx.stack();
        Map<String, RecordMetadata> poison = new LinkedHashMap<>();
        Instant start = Instant.now();
        for (Map.Entry<String, List<String>> t : SuiteContext.CONSUMERS.entrySet()) {
            String topic = t.getKey();
            String value = "verity-reliability poison for " + topic + " " + UUID.randomUUID() + ": not a CloudEvent {";
            // keyed as that topic's records are (commits by the repository's identity, as the receiver keys them; the
            // rest by target), so it shares a partition with them
            String key = topic.equals(Topics.COMMITS) ? CommitPartitions.key(stack.forge().url()) : DemoStory.PROD.toString();
            poison.put(topic, ctx.produce(topic, key, value));
            ctx.ledger().poison(name(), topic, value, t.getValue().size());
        }
        b.did("wrote a record that is not JSON to each of " + poison.keySet() + ", keyed as the topic's own records");

        LocalForge.Push push = ctx.pushGreeting("after-poison");
        SuiteContext.Answer answer = ctx.webhook(name(), push, "poison-" + push.after().substring(0, 8));
        b.did("pushed a valid commit " + Ledger.shortSha(push.after()) + " with its webhook (answered " + answer.status() + ")");
        b.events(poison.size() + 1);
        b.faults("one undecodable record on each of " + poison.size() + " topics");
        try {
            ctx.story().awaitProdAt(push.after(), "after-poison");
            b.check("a later push converges (renderer, applier)", true, "Applied at " + Ledger.shortSha(push.after()));
            b.recovered(Duration.between(start, Instant.now()));
        } catch (RuntimeException e) {
            b.check("a later push converges (renderer, applier)", false, e.getMessage());
        }

        // the renderer's group committed past the poison and the push on verity.commits
        RecordMetadata commitsPoison = poison.get(Topics.COMMITS);
        Optional<Observed.Published> pushed = ctx.observe().published().stream()
                .filter(p -> p.deliveryId().equals("poison-" + push.after().substring(0, 8))).findFirst();
        long past = Math.max(commitsPoison.offset(), pushed.map(Observed.Published::offset).orElse(-1L)) + 1;
        TopicPartition commitsPartition = new TopicPartition(Topics.COMMITS, commitsPoison.partition());
        boolean rendererPast = SuiteContext.awaitTrue(wait, () ->
                ctx.committedOffsets("verity-renderer").getOrDefault(commitsPartition, -1L) >= past);
        b.check("the renderer consumed past the poison and the push (group verity-renderer)", rendererPast && pushed.isPresent(),
                "committed " + ctx.committedOffsets("verity-renderer").get(commitsPartition) + " on " + commitsPartition
                        + ", poison at " + commitsPoison.offset() + ", push at " + pushed.map(p -> String.valueOf(p.offset())).orElse("(not published)"));

        Optional<StatusCall> success = SuiteContext.await(wait, () -> stack.forgeStatuses().statuses(push.after()).stream()
                .filter(c -> "success".equals(c.state()) && ("verity/" + DemoStory.PROD).equals(c.context())).findFirst());
        b.check("the notifier still reads verity.rollout: the commit shows success on the forge", success.isPresent(),
                success.map(StatusCall::readable).orElse(stack.forgeStatuses().statuses(push.after()).toString()));

        int healLogsBefore = count(stack.service("applier-service").log(), NOT_HEALED);
        Instant drifted = Instant.now();
        ctx.story().scaleBehindVerityBack(5);
        b.did("scaled " + DemoStory.NAMESPACE + "/" + DemoStory.DEPLOYMENT + " to 5 behind Verity's back (prod's overlay says 3)");
        boolean detected = SuiteContext.awaitTrue(wait, () -> ctx.events(Topics.DRIFT).stream().anyMatch(e ->
                e instanceof DriftDetected d && d.target().equals(DemoStory.PROD) && d.commit().equals(push.after())));
        b.check("the drift monitor still reads its inputs: DriftDetected for the new commit", detected, "");
        Optional<SlackMessage> alert = SuiteContext.await(wait, () -> ctx.slackSince(drifted).stream()
                .filter(m -> !m.isReply() && m.readableText().contains("spec.replicas")).findFirst());
        b.check("the notifier still reads verity.drift: the drift is alerted on Slack", alert.isPresent(),
                alert.map(m -> m.readableText().lines().findFirst().orElse("")).orElse(ctx.slackSince(drifted).size() + " message(s)"));
        boolean applierRead = SuiteContext.awaitTrue(wait, () ->
                count(stack.service("applier-service").log(), NOT_HEALED) > healLogsBefore);
        b.check("the applier still reads verity.drift: it logs why it does not heal (selfHeal: false)", applierRead, "");

        RecordMetadata rolloutPoison = poison.get(Topics.ROLLOUT);
        RecordMetadata driftPoison = poison.get(Topics.DRIFT);
        boolean notifierPast = SuiteContext.awaitTrue(wait, () -> {
            Map<TopicPartition, Long> o = ctx.committedOffsets("verity-notifier");
            return o.getOrDefault(new TopicPartition(Topics.ROLLOUT, rolloutPoison.partition()), -1L) > rolloutPoison.offset()
                    && o.getOrDefault(new TopicPartition(Topics.DRIFT, driftPoison.partition()), -1L) > driftPoison.offset()
                    && o.getOrDefault(commitsPartition, -1L) > commitsPoison.offset();
        });
        b.check("the notifier consumed past the poison on verity.rollout, verity.drift and verity.commits (group"
                + " verity-notifier)", notifierPast, ctx.committedOffsets("verity-notifier").toString());

        SyncRequested sync = new SyncRequested(DemoStory.PROD, stack.forge().url(), push.after(), "reliability-suite@localhost");
        ctx.produce(Topics.REQUESTS, DemoStory.PROD.toString(), new EventCodec().encode(sync));
        b.did("asked for a sync of " + DemoStory.PROD + " on " + Topics.REQUESTS);
        boolean putBack = SuiteContext.awaitTrue(wait, () -> ctx.prodReplicas() == 3);
        b.check("the applier still reads verity.requests: the sync put replicas back to 3", putBack, "replicas " + ctx.prodReplicas());
        boolean resolved = SuiteContext.awaitTrue(wait, () -> ctx.events(Topics.DRIFT).stream().anyMatch(e ->
                e instanceof DriftResolved r && r.target().equals(DemoStory.PROD) && r.commit().equals(push.after())));
        Optional<SlackMessage> resolvedReply = alert.flatMap(a -> SuiteContext.await(wait, () -> stack.slack().replies(a.ts())
                .stream().filter(m -> m.readableText().contains("Resolved")).findFirst()));
        b.check("the drift is resolved, in the alert's Slack thread", resolved && resolvedReply.isPresent(),
                "DriftResolved " + (resolved ? "published" : "missing") + "; reply " + resolvedReply.map(m -> "posted").orElse("missing"));

        List<Ledger.Entry> mine = ctx.ledger().entries(name());
        Optional<Reconciliation.Verdict> complete = SuiteContext.await(wait, () -> {
            Reconciliation.Verdict v = Reconciliation.compare(mine, ctx.observe(), ctx.history(), false);
            return v.lost().isEmpty() ? Optional.of(v) : Optional.empty();
        });
        Reconciliation.Verdict v = complete.orElseGet(() -> Reconciliation.compare(mine, ctx.observe(), ctx.history(), false));
        b.lost(v.lost().size());
        // exactly: nothing restarted since the poison was written, so no consumer had cause to read it twice
        List<Reconciliation.PoisonCopies> copies = Reconciliation.poisonCopies(mine, ctx.observe());
        b.duplicated((int) copies.stream().mapToLong(Reconciliation.PoisonCopies::extra).sum());
        List<String> inexact = copies.stream().filter(c -> !c.exact()).map(c -> c.deadLetterTopic() + " " + c.found()
                + " time(s), expected " + c.expected() + " " + SuiteContext.CONSUMERS.get(c.entry().topic())).toList();
        b.check("each poison record is on its <topic>.dlq exactly once per consuming service", v.lost().isEmpty()
                && inexact.isEmpty(), "copies " + copies.stream().map(c -> c.deadLetterTopic() + "=" + c.found()).toList()
                + (inexact.isEmpty() ? "" : "; not once per consumer: " + String.join("; ", inexact)));
    }

    static int count(java.nio.file.Path log, String text) {
        try {
            return (int) Files.readAllLines(log).stream().filter(l -> l.contains(text)).count();
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
