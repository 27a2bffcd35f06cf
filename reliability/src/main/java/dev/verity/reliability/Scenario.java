package dev.verity.reliability;

/** One way of breaking things on purpose, and what must hold afterwards. */
public interface Scenario {

    /** Its name in the table. */
    String name();

    /**
     * Breaks things and checks what must hold, recording each check in {@code b} and every input in the context's
     * ledger. An exception it throws is the scenario's error (it fails; the suite goes on).
     */
    void steps(SuiteContext ctx, ScenarioResult.Builder b) throws Exception;

    /** Puts back what the scenario changed for the scenarios after it (e.g. the sandbox's faults); runs always. */
    default void cleanUp(SuiteContext ctx) {
    }

    /** Runs it against the suite's stack; records its inputs in the context's ledger; never throws. */
    default ScenarioResult run(SuiteContext ctx) {
        ScenarioResult.Builder b = new ScenarioResult.Builder(name(), ctx.out());
        try {
            steps(ctx, b);
        } catch (Exception e) {
            b.error(e);
        } finally {
            cleanUp(ctx);
        }
        return b.build();
    }
}
