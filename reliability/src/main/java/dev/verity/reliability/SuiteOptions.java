package dev.verity.reliability;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the suite runs.
 *
 * @param longForm whether this is the long form ({@code ./verity reliability --long}) or the short one (verify)
 * @param burst    pushes in the broker-kill burst (short 50, long 200)
 * @param fuzz     random requests sent to the receiver (short 150, long 1000)
 * @param seed     seed of the random requests (printed, so a failure can be replayed)
 * @param timeout  how long any one outcome may take to show (generous: a wait, never a timed assertion)
 * @param workDir  where the stack keeps its state and logs
 * @param report   where the JSON report is written
 */
public record SuiteOptions(boolean longForm, int burst, int fuzz, long seed, Duration timeout, Path workDir, Path report) {

    public static SuiteOptions shortForm(Path workDir, Path report) {
        return new SuiteOptions(false, 50, 150, 16, Duration.ofMinutes(3), workDir, report);
    }

    public static SuiteOptions longForm(Path workDir, Path report) {
        return new SuiteOptions(true, 200, 1000, 16, Duration.ofMinutes(5), workDir, report);
    }

    public SuiteOptions withSeed(long seed) {
        return new SuiteOptions(longForm, burst, fuzz, seed, timeout, workDir, report);
    }

    public String form() {
        return longForm ? "long" : "short";
    }
}
