package dev.verity.reliability;

/** One way of breaking things on purpose, and what must hold afterwards. */
public interface Scenario {

    /** Its name in the table. */
    String name();

    /** Runs it against the suite's stack; records its inputs in the context's ledger; never throws. */
    ScenarioResult run(SuiteContext ctx);
}
