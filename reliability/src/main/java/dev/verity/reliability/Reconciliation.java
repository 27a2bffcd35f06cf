package dev.verity.reliability;

import dev.verity.events.Topics;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Compares the {@link Ledger} with what the stack recorded ({@link Observed}). Plain Java: the suite's verdict and its
 * negative control ({@code ReconciliationTest}) run the same code.
 * <ul>
 *   <li><b>lost</b>: a push the receiver accepted (202) that is not on {@code verity.commits} (matched by delivery
 *       id, once per accepted send), or a poison record found on its dead-letter topic fewer times than it has
 *       consumers (more is not lost: over a whole run, a consumer that rebuilds its state from the start of its
 *       topics after a restart, the applier's and the drift monitor's, dead-letters it again; the poison scenario,
 *       which restarts nothing, checks the count exactly with {@link #poisonCopies});</li>
 *   <li><b>duplicated</b>: a delivery published more often than it was sent;</li>
 *   <li><b>unexpected</b>: a push on {@code verity.commits} whose delivery id the ledger never sent as a push (a
 *       request that had to publish nothing, or an input from nowhere);</li>
 *   <li><b>regressions</b>: an {@code Applied} of a target for a commit older (in {@code commitOrder}, the branch's
 *       history) than one already {@code Applied} for that target.</li>
 * </ul>
 */
public final class Reconciliation {

    private Reconciliation() {
    }

    /**
     * The comparison's result; {@link #passed()} when nothing was lost or unexpected and no target went back.
     */
    public record Verdict(int inputs, List<String> lost, List<String> duplicated, List<String> unexpected,
            List<String> regressions) {

        public boolean passed() {
            return lost.isEmpty() && unexpected.isEmpty() && regressions.isEmpty();
        }

        public List<String> problems() {
            List<String> all = new ArrayList<>();
            lost.forEach(l -> all.add("lost: " + l));
            unexpected.forEach(u -> all.add("unexpected: " + u));
            regressions.forEach(r -> all.add("went back: " + r));
            duplicated.forEach(d -> all.add("duplicated: " + d));
            return all;
        }
    }

    /**
     * Compares {@code sent} with {@code observed}.
     *
     * @param commitOrder the branch's commits, oldest first (for regressions); commits not in it are not ordered
     * @param checkUnexpected whether every published push must be in {@code sent} (true for the whole ledger; false
     *                        for one scenario's part of it)
     */
    public static Verdict compare(List<Ledger.Entry> sent, Observed observed, List<String> commitOrder,
            boolean checkUnexpected) {
        List<String> lost = new ArrayList<>();
        List<String> duplicated = new ArrayList<>();
        List<String> unexpected = new ArrayList<>();

        Map<String, Long> publishedById = observed.published().stream()
                .collect(Collectors.groupingBy(p -> String.valueOf(p.deliveryId()), Collectors.counting()));
        Map<String, List<Ledger.Entry>> pushesById = new LinkedHashMap<>();
        for (Ledger.Entry e : sent) {
            if (e.kind() == Ledger.Kind.PUSH) pushesById.computeIfAbsent(e.id(), k -> new ArrayList<>()).add(e);
        }
        for (Map.Entry<String, List<Ledger.Entry>> byId : pushesById.entrySet()) {
            List<Ledger.Entry> sends = byId.getValue();
            long accepted = sends.stream().filter(Ledger.Entry::accepted).count();
            long found = publishedById.getOrDefault(byId.getKey(), 0L);
            Ledger.Entry first = sends.get(0);
            if (found < accepted) {
                lost.add("push " + Ledger.shortSha(first.commit()) + " (delivery " + byId.getKey() + ", " + first.scenario()
                        + ") was answered 202 " + accepted + " time(s) but is on verity.commits " + found + " time(s)");
            }
            if (found > sends.size()) {
                duplicated.add("push " + Ledger.shortSha(first.commit()) + " (delivery " + byId.getKey() + ") sent "
                        + sends.size() + " time(s), published " + found + " times");
            }
        }
        for (PoisonCopies p : poisonCopies(sent, observed)) {
            if (p.found() < p.expected()) {
                lost.add("poison record on " + p.entry().topic() + " (" + p.entry().scenario() + ") is on "
                        + p.deadLetterTopic() + " " + p.found() + " time(s), expected once per consumer: " + p.expected());
            }
        }
        if (checkUnexpected) {
            for (Observed.Published p : observed.published()) {
                if (!pushesById.containsKey(String.valueOf(p.deliveryId()))) {
                    String what = sent.stream().filter(e -> e.kind() == Ledger.Kind.REQUEST && e.id().equals(p.deliveryId()))
                            .map(e -> "a request that had to publish nothing (" + e.scenario() + ": " + e.detail() + ")")
                            .findFirst().orElse("no push in the ledger");
                    unexpected.add("verity.commits " + p.partition() + "@" + p.offset() + " (commit "
                            + Ledger.shortSha(p.commit()) + ", delivery " + p.deliveryId() + ") comes from " + what);
                }
            }
        }
        return new Verdict(sent.size(), lost, duplicated, unexpected, regressions(observed.rollouts(), commitOrder));
    }

    /** A poison record of the ledger and how many copies of it its dead-letter topic holds. */
    public record PoisonCopies(Ledger.Entry entry, String deadLetterTopic, long found) {

        /** Once per consumer of its topic. */
        public long expected() {
            return entry.expectedCopies();
        }

        /** Copies beyond one per consumer: a consumer that dead-lettered it more than once. */
        public long extra() {
            return Math.max(0, found - expected());
        }

        public boolean exact() {
            return found == expected();
        }
    }

    /** Each poison record of {@code sent}, in order, with its copies on its dead-letter topic. */
    public static List<PoisonCopies> poisonCopies(List<Ledger.Entry> sent, Observed observed) {
        List<PoisonCopies> all = new ArrayList<>();
        for (Ledger.Entry e : sent) {
            if (e.kind() != Ledger.Kind.POISON) continue;
            String dlq = Topics.deadLetter(e.topic());
            all.add(new PoisonCopies(e, dlq, observed.deadLetters().getOrDefault(dlq, List.of()).stream()
                    .filter(e.id()::equals).count()));
        }
        return all;
    }

    /** Every {@code Applied} of a target for a commit older than one already applied for it. */
    static List<String> regressions(List<Observed.Rollout> rollouts, List<String> commitOrder) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < commitOrder.size(); i++) index.put(commitOrder.get(i), i);
        Map<String, String> newest = new HashMap<>();
        List<String> back = new ArrayList<>();
        for (Observed.Rollout r : rollouts) {
            if (!r.type().equals("Applied") || !index.containsKey(r.commit())) continue;
            String before = newest.get(r.target());
            if (before != null && index.get(r.commit()) < index.get(before)) {
                back.add(r.target() + " Applied at " + Ledger.shortSha(r.commit()) + " (verity.rollout " + r.partition()
                        + "@" + r.offset() + ") after " + Ledger.shortSha(before) + ", a newer commit");
            } else {
                newest.put(r.target(), r.commit());
            }
        }
        return back;
    }

    /**
     * The rollouts started ({@code ApplyStarted}) per target and commit, among {@code commits}: one rollout per head
     * means every count is at most 1.
     */
    public static Map<String, Long> rolloutsStarted(List<Observed.Rollout> rollouts, Set<String> commits) {
        return rollouts.stream().filter(r -> r.type().equals("ApplyStarted") && commits.contains(r.commit()))
                .collect(Collectors.groupingBy(r -> r.target() + "@" + Ledger.shortSha(r.commit()), LinkedHashMap::new,
                        Collectors.counting()));
    }
}
