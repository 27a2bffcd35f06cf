package dev.verity.reliability;

import dev.verity.events.Topics;
import dev.verity.stack.DemoStory;
import dev.verity.stack.LocalForge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Three commits pushed without webhooks, then their webhooks in the worst order a forge can produce: the newest
 * first, the same delivery replayed, the newest again under a new delivery id, the oldest (an old commit's webhook
 * after a newer one), the middle one, and the oldest replayed. The renderer renders the branch head, never the commit
 * a webhook names: one rollout per head, the newest head wins, and it stays.
 */
public final class WebhookOrderScenario implements Scenario {

    @Override
    public String name() {
        return "duplicate, out-of-order and replayed webhooks";
    }

    @Override
    public void steps(SuiteContext ctx, ScenarioResult.Builder b) throws Exception {
        LocalForge.Push c1 = ctx.pushGreeting("order-1");
        LocalForge.Push c2 = ctx.pushGreeting("order-2");
        LocalForge.Push c3 = ctx.pushGreeting("order-3");
        b.did("committed " + Ledger.shortSha(c1.after()) + ", " + Ledger.shortSha(c2.after()) + ", " + Ledger.shortSha(c3.after())
                + " to the prod overlay without webhooks");
        String d1 = "order-1-" + c1.after().substring(0, 8);
        String d3 = "order-3-" + c3.after().substring(0, 8);
        List<String> sent = new ArrayList<>();
        Map<String, Integer> answers = new LinkedHashMap<>();
        record Send(String what, LocalForge.Push push, String delivery) {
        }
        List<Send> order = List.of(
                new Send("newest", c3, d3),
                new Send("newest replayed (same delivery id)", c3, d3),
                new Send("newest again (new delivery id)", c3, d3 + "-again"),
                new Send("oldest, after the newest", c1, d1),
                new Send("middle, out of order", c2, "order-2-" + c2.after().substring(0, 8)),
                new Send("oldest replayed", c1, d1));
        for (Send s : order) {
            SuiteContext.Answer a = ctx.webhook(name(), s.push(), s.delivery());
            sent.add(s.what() + " → " + a.status());
            answers.merge(String.valueOf(a.status()), 1, Integer::sum);
        }
        b.did("sent webhooks: " + String.join(", ", sent));
        b.events(order.size());
        b.faults("2 replays, 1 duplicate, 2 out of order");
        b.check("every webhook accepted (202)", answers.keySet().equals(Set.of("202")), "answers " + answers);

        try {
            ctx.story().awaitProdAt(c3.after(), "order-3");
            b.check("the newest head is applied", true, "Applied at " + Ledger.shortSha(c3.after()));
        } catch (RuntimeException e) {
            b.check("the newest head is applied", false, e.getMessage());
        }
        // let the renderer act on every delivery: all published, and its group's offsets past them
        List<Ledger.Entry> mine = ctx.ledger().entries(name());
        boolean consumed = SuiteContext.awaitTrue(ctx.options().timeout(), () -> {
            Observed o = ctx.observe();
            Reconciliation.Verdict v = Reconciliation.compare(mine, o, ctx.history(), false);
            if (!v.lost().isEmpty()) return false;
            Map<org.apache.kafka.common.TopicPartition, Long> committed = ctx.committedOffsets("verity-renderer");
            return o.published().stream().filter(p -> mine.stream().anyMatch(e -> e.id().equals(p.deliveryId())))
                    .allMatch(p -> committed.getOrDefault(new org.apache.kafka.common.TopicPartition(Topics.COMMITS, p.partition()), -1L) > p.offset());
        });
        b.did(consumed ? "the renderer consumed every delivery" : "the renderer had not consumed every delivery in time");
        Thread.sleep(3000);

        Observed o = ctx.observe();
        Reconciliation.Verdict v = Reconciliation.compare(mine, o, ctx.history(), false);
        b.lost(v.lost().size());
        b.check("every accepted webhook is on verity.commits", v.lost().isEmpty(), String.join("; ", v.lost()));
        Map<String, Long> started = Reconciliation.rolloutsStarted(o.rollouts(), Set.of(c1.after(), c2.after(), c3.after()));
        long extra = started.values().stream().mapToLong(n -> Math.max(0, n - 1)).sum();
        b.duplicated((int) extra);
        String prod3 = DemoStory.PROD + "@" + Ledger.shortSha(c3.after());
        b.check("one rollout per head (ApplyStarted at most once per commit; once for the newest)",
                extra == 0 && started.getOrDefault(prod3, 0L) == 1, "rollouts started " + started);
        List<Observed.Rollout> applied = o.rollouts().stream()
                .filter(r -> r.type().equals("Applied") && r.target().equals(DemoStory.PROD.toString())).toList();
        String lastApplied = applied.isEmpty() ? "" : applied.get(applied.size() - 1).commit();
        b.check("the newest head wins: the target's last Applied is the newest commit, and stays so",
                lastApplied.equals(c3.after()) && v.regressions().isEmpty(),
                "last Applied " + Ledger.shortSha(lastApplied) + (v.regressions().isEmpty() ? "" : "; " + v.regressions()));
    }
}
