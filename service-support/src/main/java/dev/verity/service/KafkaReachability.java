package dev.verity.service;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/**
 * What the last probes of the Kafka cluster found, kept for the {@code kafka} health check (plain Java: the probing
 * and the check are in {@link KafkaHealth}). Reachable once a probe was answered; unreachable from the first probe
 * that failed, remembering since when and the last error; unknown before the first probe ends.
 *
 * <p>Only the bootstrap servers and the error text are reported, never the client's other settings (SASL and TLS
 * settings may hold credentials); Kafka's error texts do not carry them.
 */
public final class KafkaReachability {

    private final String bootstrapServers;
    private volatile State state = new State(Verdict.UNKNOWN, null, null, 0, null, null);

    /** Whether the cluster was reachable at the last probe. */
    public enum Verdict { UNKNOWN, REACHABLE, UNREACHABLE }

    /**
     * @param checkedAt when the last probe ended (null before the first)
     * @param since when the current verdict began (null before the first probe)
     * @param brokers the brokers the cluster described at the last successful probe
     * @param error the last failure's text, null while reachable
     * @param lastContact the end of the last successful probe, null if none succeeded yet
     */
    public record State(Verdict verdict, Instant checkedAt, Instant since, int brokers, String error,
            Instant lastContact) {
    }

    public KafkaReachability(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public State state() {
        return state;
    }

    /** A probe was answered at {@code at}: the cluster has {@code brokers} brokers. */
    public synchronized void answered(Instant at, int brokers) {
        State previous = state;
        Instant since = previous.verdict() == Verdict.REACHABLE ? previous.since() : at;
        state = new State(Verdict.REACHABLE, at, since, brokers, null, at);
    }

    /** A probe ended at {@code at} without an answer, for {@code failure}. */
    public synchronized void failed(Instant at, Throwable failure) {
        State previous = state;
        Instant since = previous.verdict() == Verdict.UNREACHABLE ? previous.since() : at;
        state = new State(Verdict.UNREACHABLE, at, since, previous.brokers(), describe(failure), previous.lastContact());
    }

    /** Whether the last probe was answered. */
    public boolean reachable() {
        return state.verdict() == Verdict.REACHABLE;
    }

    /**
     * What the health check shows: {@code bootstrap.servers}, {@code reachable}, and either the broker count or the
     * error, since when, and the last contact.
     */
    public Map<String, Object> data(Instant now) {
        State s = state;
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("bootstrap.servers", bootstrapServers);
        data.put("reachable", s.verdict() == Verdict.REACHABLE);
        switch (s.verdict()) {
            case UNKNOWN -> data.put("error", "not probed yet: the first probe of the Kafka cluster has not ended");
            case REACHABLE -> data.put("brokers", s.brokers());
            case UNREACHABLE -> {
                data.put("error", s.error());
                data.put("unreachable-since", s.since().toString());
                data.put("unreachable-for", seconds(Duration.between(s.since(), now)));
                data.put("last-contact", Optional.ofNullable(s.lastContact()).map(Instant::toString).orElse("never"));
            }
        }
        return data;
    }

    private static String seconds(Duration d) {
        return Math.max(0, d.toSeconds()) + " s";
    }

    /** The failure's own text, looking through the wrappers of a future; its class name when it has none. */
    static String describe(Throwable failure) {
        Throwable t = failure;
        while ((t instanceof ExecutionException || t.getClass() == RuntimeException.class) && t.getCause() != null) {
            t = t.getCause();
        }
        String message = t.getMessage();
        String text = message == null || message.isBlank() ? t.getClass().getSimpleName() : message;
        return text.length() > 500 ? text.substring(0, 500) + "…" : text;
    }
}
