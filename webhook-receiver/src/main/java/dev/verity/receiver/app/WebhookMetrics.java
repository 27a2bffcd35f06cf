package dev.verity.receiver.app;

import dev.verity.receiver.HookOutcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code verity_webhooks_total{forge,outcome}}: webhook deliveries by what the receiver answered. {@code outcome} is
 * {@code published} (202), {@code unpublished} (503, Kafka did not acknowledge), {@code ignored} (204), {@code rate_limited} (429), {@code timed_out} (408), {@code over_budget} (503, verity.receiver.memory-budget full) or the
 * refusal reason ({@code unsigned}, {@code bad_signature}, {@code expired}, {@code unknown_repository},
 * {@code no_such_endpoint}, {@code invalid}, {@code unsupported_media_type}). {@code forge} is the endpoint's forge
 * ({@code unknown} for a path naming no forge). It counts; it does not decide anything.
 */
@Singleton
public class WebhookMetrics {

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();

    WebhookMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    void published(String forge) {
        count(forge, "published");
    }

    void unpublished(String forge) {
        count(forge, "unpublished");
    }

    void ignored(String forge) {
        count(forge, "ignored");
    }

    void rateLimited(String forge) {
        count(forge, "rate_limited");
    }

    void overBudget(String forge) {
        count(forge, "over_budget");
    }

    void timedOut(String forge) {
        count(forge, "timed_out");
    }

    void rejected(String forge, HookOutcome.Reason reason) {
        count(forge, reason.name().toLowerCase(Locale.ROOT));
    }

    private void count(String forge, String outcome) {
        // registered once per label pair (forge names are known ones or "unknown"), not looked up per delivery
        counters.computeIfAbsent(forge + '\u0000' + outcome, key -> Counter.builder("verity.webhooks")
                .description("Webhook deliveries received, by forge and what the receiver answered")
                .tags("forge", forge, "outcome", outcome)
                .register(registry)).increment();
    }
}
