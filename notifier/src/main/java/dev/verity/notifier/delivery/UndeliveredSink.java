package dev.verity.notifier.delivery;

/** Where undeliverable alerts are reported (the {@code verity.undelivered} topic in the service). */
@FunctionalInterface
public interface UndeliveredSink {
    void report(Undelivered undelivered);
}
