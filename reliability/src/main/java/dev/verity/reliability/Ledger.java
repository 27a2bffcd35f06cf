package dev.verity.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Every input the suite sent into the stack, in the order it was sent: push webhooks (with their commit and
 * delivery id and what the receiver answered), poison records (with the topic and how many consumers must
 * dead-letter them), and requests that must publish nothing. {@link Reconciliation} compares it with what the
 * topics recorded. Safe for concurrent senders.
 */
public final class Ledger {

    /** What kind of input an entry is. */
    public enum Kind {
        /** a signed push webhook; {@code id} is its delivery id, {@code commit} the pushed head */
        PUSH,
        /** an undecodable record written to {@code topic}; {@code id} is its value */
        POISON,
        /** a request to the receiver that must publish nothing (random body or headers); {@code id} its delivery id */
        REQUEST
    }

    /** Status of a request that got no answer within the client's timeout: it hung. */
    public static final int NO_ANSWER = 0;
    /** Status of an input that is not an HTTP request (a record written to Kafka). */
    public static final int NOT_HTTP = -1;

    /**
     * One input.
     *
     * @param seq            its place in the ledger, from 0
     * @param scenario       the scenario that sent it
     * @param kind           what it is
     * @param id             delivery id (push, request) or record value (poison)
     * @param commit         the pushed commit (push), else null
     * @param topic          the topic written (poison), else null
     * @param status         the receiver's HTTP status, {@link #NO_ANSWER} or {@link #NOT_HTTP}
     * @param answeredIn     how long the answer took (zero for records)
     * @param expectedCopies how many copies must be found: a poison record once per consumer of its topic; else 1
     * @param detail         what was sent, for the report (endpoint, body kind)
     */
    public record Entry(int seq, String scenario, Kind kind, String id, String commit, String topic, int status,
            Duration answeredIn, int expectedCopies, String detail) {

        /** Whether the receiver accepted the push (202: Kafka acknowledged it). */
        public boolean accepted() {
            return kind == Kind.PUSH && status == 202;
        }
    }

    private final List<Entry> entries = new ArrayList<>();

    public synchronized Entry push(String scenario, String deliveryId, String commit, int status, Duration answeredIn) {
        return add(scenario, Kind.PUSH, deliveryId, commit, null, status, answeredIn, 1, "push " + shortSha(commit));
    }

    public synchronized Entry poison(String scenario, String topic, String value, int consumers) {
        return add(scenario, Kind.POISON, value, null, topic, NOT_HTTP, Duration.ZERO, consumers, "poison on " + topic);
    }

    public synchronized Entry request(String scenario, String deliveryId, int status, Duration answeredIn, String detail) {
        return add(scenario, Kind.REQUEST, deliveryId, null, null, status, answeredIn, 1, detail);
    }

    private Entry add(String scenario, Kind kind, String id, String commit, String topic, int status,
            Duration answeredIn, int copies, String detail) {
        Entry e = new Entry(entries.size(), scenario, kind, id, commit, topic, status, answeredIn, copies, detail);
        entries.add(e);
        return e;
    }

    public synchronized List<Entry> entries() {
        return List.copyOf(entries);
    }

    public synchronized List<Entry> entries(String scenario) {
        return entries.stream().filter(e -> e.scenario().equals(scenario)).toList();
    }

    /**
     * A copy of this ledger without the first entry matching {@code which}: the negative control, a ledger that
     * "forgot" one input it sent.
     */
    public synchronized List<Entry> without(Predicate<Entry> which) {
        List<Entry> copy = new ArrayList<>(entries);
        for (int i = 0; i < copy.size(); i++) {
            if (which.test(copy.get(i))) {
                copy.remove(i);
                break;
            }
        }
        return copy;
    }

    static String shortSha(String sha) {
        return sha == null ? "?" : sha.substring(0, Math.min(12, sha.length()));
    }
}
