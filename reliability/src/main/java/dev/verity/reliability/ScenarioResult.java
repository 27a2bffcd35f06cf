package dev.verity.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one scenario did and found: a row of the suite's table, with the checks behind it.
 *
 * @param scenario      its name
 * @param faults        the faults it injected, in words
 * @param events        how many inputs it sent (pushes, webhooks, records, requests)
 * @param lost          inputs lost (accepted but not found where they had to be)
 * @param duplicated    inputs acted on more often than sent (duplicate alerts, rollouts, publications)
 * @param timeToRecover from the fault to the stack working again (null where nothing had to recover)
 * @param seconds       how long the scenario took
 * @param checks        each check with its outcome
 * @param actions       what it did, in order
 */
public record ScenarioResult(String scenario, String faults, int events, int lost, int duplicated,
        Duration timeToRecover, double seconds, List<Check> checks, List<String> actions) {

    public ScenarioResult {
        checks = List.copyOf(checks);
        actions = List.copyOf(actions);
    }

    /** One thing the scenario checked, whether it held, and what was seen. */
    public record Check(String what, boolean passed, String seen) {
    }

    public boolean passed() {
        return lost == 0 && checks.stream().allMatch(Check::passed);
    }

    /** What failed, one line each; empty when it passed. */
    public List<String> failures() {
        List<String> f = new ArrayList<>();
        if (lost > 0) f.add(scenario + ": " + lost + " input(s) lost");
        checks.stream().filter(c -> !c.passed()).forEach(c -> f.add(scenario + ": " + c.what() + " — seen: " + c.seen()));
        return f;
    }

    /** Collects a scenario's actions and checks while it runs, and prints each as it happens. */
    public static final class Builder {
        private final String scenario;
        private final long started = System.nanoTime();
        private final List<Check> checks = new ArrayList<>();
        private final List<String> actions = new ArrayList<>();
        private final java.util.function.Consumer<String> out;
        private String faults = "none";
        private int events;
        private int lost;
        private int duplicated;
        private Duration timeToRecover;

        public Builder(String scenario, java.util.function.Consumer<String> out) {
            this.scenario = scenario;
            this.out = out;
            out.accept("── scenario " + scenario + " ──");
        }

        public String name() {
            return scenario;
        }

        public Builder did(String action) {
            actions.add(action);
            out.accept("  did: " + action);
            return this;
        }

        public Builder check(String what, boolean passed, String seen) {
            checks.add(new Check(what, passed, seen));
            out.accept("  " + (passed ? "ok  " : "FAIL") + " " + what + (seen.isEmpty() ? "" : " — " + seen));
            return this;
        }

        public Builder faults(String faults) {
            this.faults = faults;
            return this;
        }

        public Builder events(int events) {
            this.events = events;
            return this;
        }

        public Builder lost(int lost) {
            this.lost += lost;
            return this;
        }

        public Builder duplicated(int duplicated) {
            this.duplicated += duplicated;
            return this;
        }

        public Builder recovered(Duration timeToRecover) {
            this.timeToRecover = timeToRecover;
            return this;
        }

        /** The scenario stopped on an error: recorded as a failed check. */
        public Builder error(Throwable e) {
            return check("the scenario ran to its end", false, e.toString());
        }

        public ScenarioResult build() {
            return new ScenarioResult(scenario, faults, events, lost, duplicated, timeToRecover,
                    (System.nanoTime() - started) / 1e9, checks, actions);
        }
    }
}
