package dev.verity.kustomize;

import java.time.Duration;

/** When a build must give up; checked cooperatively in resource loops, generators and nesting. */
final class Deadline {

    private final long deadlineNanos;
    private final Duration budget;
    private final String target;

    Deadline(Duration budget, String target) {
        this.budget = budget;
        this.target = target;
        this.deadlineNanos = System.nanoTime() + budget.toNanos();
    }

    void check(String doing) {
        if (System.nanoTime() - deadlineNanos > 0) {
            throw new DeadlineExceededException("kustomize build of " + target + " exceeded its deadline of "
                    + budget.toMillis() + " ms while " + doing
                    + "; the input may be pathological (deep nesting, a huge generator), or raise the deadline");
        }
    }
}
