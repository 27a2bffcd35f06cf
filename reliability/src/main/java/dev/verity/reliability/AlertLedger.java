package dev.verity.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The alerts a scenario caused, compared per channel with what the stand-ins received and what the notifier reported
 * on {@code verity.undelivered}: each alert must be, on every channel, delivered or reported undelivered (with its
 * reason); one found on neither is <b>lost</b>, one delivered more than once is <b>duplicated</b>. Plain Java: the
 * scenarios and {@code AlertLedgerTest} (which proves a dropped record is caught) run the same comparison.
 */
public final class AlertLedger {

    /** The notifier's kinds of channel the local stack configures ({@code verity.undelivered}'s {@code channel}). */
    public static final List<String> CHANNELS = List.of("slack", "email");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<Cause> causes = new ArrayList<>();

    /**
     * One alert caused on purpose.
     *
     * @param what   what was done, for the report (e.g. "ConfigMap shop-prod/x created behind Verity's back")
     * @param marker text that names this alert and no other: found in its title, so in the Slack message, the e-mail
     *               and the undelivered record's {@code alert.title}
     * @param at     when it was caused
     */
    public record Cause(String what, String marker, Instant at) {
    }

    /** A message a stand-in received: its channel ({@code slack}, {@code email}), its readable text, and when. */
    public record Delivered(String channel, String text, Instant at) {
    }

    /**
     * A record of {@code verity.undelivered}: channel, the alert's title (with its summary lines after it: a grouped
     * announcement's title only counts its incidents, its summary names them), the reason and the attempts made.
     */
    public record Undelivered(String channel, String title, String reason, int attempts) {

        /** Reads a record's JSON value; empty when it is not an undelivered report. */
        public static Optional<Undelivered> parse(String json) {
            try {
                JsonNode n = JSON.readTree(json);
                if (n == null || !n.hasNonNull("channel") || !n.path("alert").hasNonNull("title")) return Optional.empty();
                StringBuilder told = new StringBuilder(n.path("alert").get("title").asText());
                n.path("alert").path("summary").forEach(line -> told.append('\n').append(line.asText()));
                return Optional.of(new Undelivered(n.get("channel").asText(), told.toString(),
                        n.path("reason").asText(""), n.path("attempts").asInt()));
            } catch (java.io.IOException e) {
                return Optional.empty();
            }
        }
    }

    /** What became of one cause on one channel. */
    public record Outcome(Cause cause, String channel, int delivered, List<Undelivered> undelivered) {

        public boolean lost() {
            return delivered == 0 && undelivered.isEmpty();
        }

        /** Copies beyond the first (a delivered alert that was also reported undelivered counts as one). */
        public int duplicates() {
            return Math.max(0, delivered - 1);
        }
    }

    /** The comparison over every cause and channel. */
    public record Verdict(List<Outcome> outcomes) {

        public Verdict {
            outcomes = List.copyOf(outcomes);
        }

        public List<Outcome> lost() {
            return outcomes.stream().filter(Outcome::lost).toList();
        }

        public boolean nothingLost() {
            return lost().isEmpty();
        }

        /** Outcomes delivered at least once. */
        public long delivered() {
            return outcomes.stream().filter(o -> o.delivered() > 0).count();
        }

        /** Outcomes reported undelivered and never delivered. */
        public long undelivered() {
            return outcomes.stream().filter(o -> o.delivered() == 0 && !o.undelivered().isEmpty()).count();
        }

        public int duplicates() {
            return outcomes.stream().mapToInt(Outcome::duplicates).sum();
        }

        /** The lost ones, one line each. */
        public List<String> describeLost() {
            return lost().stream().map(o -> o.cause().what() + " (" + o.cause().marker() + ") on " + o.channel()
                    + ": neither delivered nor on verity.undelivered").toList();
        }
    }

    public synchronized Cause cause(String what, String marker, Instant at) {
        Cause c = new Cause(what, marker, at);
        causes.add(c);
        return c;
    }

    public synchronized List<Cause> causes() {
        return List.copyOf(causes);
    }

    /** Compares every cause with what was delivered and reported, on each of {@code channels}. */
    public Verdict compare(List<String> channels, List<Delivered> delivered, List<Undelivered> undelivered) {
        return compare(causes(), channels, delivered, undelivered);
    }

    static Verdict compare(List<Cause> causes, List<String> channels, List<Delivered> delivered,
            List<Undelivered> undelivered) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Cause c : causes) {
            for (String channel : channels) {
                int got = (int) delivered.stream().filter(d -> d.channel().equals(channel) && d.text().contains(c.marker()))
                        .count();
                List<Undelivered> reported = undelivered.stream()
                        .filter(u -> u.channel().equals(channel) && u.title().contains(c.marker())).toList();
                outcomes.add(new Outcome(c, channel, got, reported));
            }
        }
        return new Verdict(outcomes);
    }
}
