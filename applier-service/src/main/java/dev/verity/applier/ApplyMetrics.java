package dev.verity.applier;

import dev.verity.kube.ApplyResult;
import dev.verity.kube.ApplyStep;
import dev.verity.kube.ObjectOutcome;
import dev.verity.kube.Outcome;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Records each apply's {@link ApplyResult} and duration as the applier's {@code verity_*} metrics:
 * <ul>
 * <li>{@code verity_apply_duration_seconds{cluster,result=applied|failed}}: how long each apply (or removal of a
 * target that left Git) took, as a histogram;</li>
 * <li>{@code verity_objects_applied_total{cluster,outcome=created|configured|unchanged}}: objects applied;</li>
 * <li>{@code verity_objects_pruned_total{cluster}}: objects that left Git and were deleted (or were already gone);</li>
 * <li>{@code verity_objects_kept_total{cluster}}: objects that left Git and were kept, released from the target;</li>
 * <li>{@code verity_objects_failed_total{cluster,reason}}: objects that could not be applied or pruned, by a small
 * closed set of reasons ({@link #reason(ApplyStep, ObjectOutcome)}), plus the first invalid object of an invalid
 * desired state ({@code reason=Invalid});</li>
 * <li>{@code verity_apply_failures_total{cluster,step}}: failed applies by the step they stopped at;</li>
 * <li>{@code verity_apply_retries_total{cluster,reason}}: applies of a target done again at once because the one
 * before failed transiently ({@link ApplyRetry}; reasons {@link #RETRY_REASONS});</li>
 * <li>{@code verity_api_transient_errors_total{cluster,reason}}: Kubernetes API answers 429 or 5xx, and requests
 * that got no answer ({@link RequestRetries}); the client sends each such request again until its
 * {@code verity.applier.retry.request-retries} run out, so all but the last of a request's errors were retried.</li>
 * </ul>
 * Tags never name a target, an object or a commit (the logs and rollout events do). This class does not apply
 * anything and does not log; the reason is read from the failure's message, so a failure the {@code kube} module
 * words in a new way counts as {@code Other} until this class learns it.
 */
@Singleton
public class ApplyMetrics {

    /** Reasons an object failed; the values of the {@code reason} tag. */
    static final List<String> REASONS = List.of("Invalid", "Conflict", "Forbidden", "Unauthorized", "NotFound",
            "Timeout", "TooManyRequests", "BadRequest", "ServerError", "Unreachable", "CrdNotEstablished",
            "OwnedByOtherTarget", "Other");

    /** Why an apply or a request is retried; the values of the {@code reason} tag of the retry counters. */
    static final List<String> RETRY_REASONS = List.of("TooManyRequests", "ServerError", "Timeout", "Unreachable",
            "Conflict");

    private static final Pattern ANSWERED = Pattern.compile("the API server answered (\\d{3})");

    private final MeterRegistry registry;

    @Inject
    ApplyMetrics(MeterRegistry registry, ApplierConfig config) {
        this(registry, config.cluster());
    }

    /**
     * Metrics in {@code registry}; the counters of {@code cluster} that every apply may touch are registered at 0 at
     * once, so that they are scraped before the first apply.
     */
    ApplyMetrics(MeterRegistry registry, String cluster) {
        this.registry = registry;
        for (Outcome outcome : List.of(Outcome.CREATED, Outcome.CONFIGURED, Outcome.UNCHANGED)) {
            applied(cluster, outcome);
        }
        pruned(cluster);
        kept(cluster);
        for (String reason : RETRY_REASONS) {
            retries(cluster, reason);
            requestRetries(cluster, reason);
        }
        // failures too: a dashboard's rate() and increase() see the first failure only if the series existed before
        for (String reason : REASONS) failed(cluster, reason);
        for (ApplyStep step : ApplyStep.values()) failures(cluster, step);
    }

    private Counter failures(String cluster, ApplyStep step) {
        return Counter.builder("verity.apply.failures")
                .description("Applies that failed, by the step they stopped at")
                .tags("cluster", cluster, "step", step.name().toLowerCase(Locale.ROOT))
                .register(registry);
    }

    /** One apply of a target done again because the one before failed transiently, for {@code reason}. */
    public void retried(String cluster, String reason) {
        retries(cluster, RETRY_REASONS.contains(reason) ? reason : "ServerError").increment();
    }

    /** One Kubernetes API answer 429 or 5xx, or a request without answer, for {@code reason}. */
    public void transientError(String cluster, String reason) {
        requestRetries(cluster, reason).increment();
    }

    /** Runs {@code apply}, times it and records its result; an apply that throws is timed as failed. */
    public ApplyResult time(String cluster, Supplier<ApplyResult> apply) {
        long start = System.nanoTime();
        ApplyResult result;
        try {
            result = apply.get();
        } catch (RuntimeException e) {
            timer(cluster, "failed").record(Duration.ofNanos(System.nanoTime() - start));
            throw e;
        }
        record(result, Duration.ofNanos(System.nanoTime() - start));
        return result;
    }

    /** Records one apply that took {@code took}. */
    public void record(ApplyResult result, Duration took) {
        String cluster = result.target().cluster();
        timer(cluster, result.succeeded() ? "applied" : "failed").record(took);
        for (ObjectOutcome o : result.objects()) {
            if (o.outcome().applied()) {
                applied(cluster, o.outcome()).increment();
            } else if (o.outcome() == Outcome.FAILED) {
                failed(cluster, reason(result.failedAt(), o)).increment();
            }
        }
        for (ObjectOutcome o : result.removed()) {
            if (o.outcome() == Outcome.PRUNED) {
                pruned(cluster).increment();
            } else if (o.outcome() == Outcome.KEPT) {
                kept(cluster).increment();
            } else if (o.outcome() == Outcome.FAILED) {
                failed(cluster, reason(ApplyStep.PRUNE, o)).increment();
            }
        }
        if (result.failedAt() == ApplyStep.VALIDATE && result.failedObject() != null) {
            failed(cluster, "Invalid").increment();
        }
        if (!result.succeeded()) failures(cluster, result.failedAt()).increment();
    }

    /**
     * Why an object failed, as one of {@link #REASONS}: the API server's answer by its status code (the reasons
     * Kubernetes names them by: 422 Invalid, 409 Conflict, 403 Forbidden, ...); {@code Unreachable} when no answer
     * came; {@code CrdNotEstablished} for a custom resource whose CRD was not served in time; {@code
     * OwnedByOtherTarget} when the ownership check refused it; else {@code Other}.
     */
    static String reason(ApplyStep step, ObjectOutcome failed) {
        String why = failed.reason();
        Matcher answered = ANSWERED.matcher(why);
        if (answered.find()) {
            int code = Integer.parseInt(answered.group(1));
            return switch (code) {
                case 400 -> "BadRequest";
                case 401 -> "Unauthorized";
                case 403 -> "Forbidden";
                case 404, 410 -> "NotFound";
                case 408, 504 -> "Timeout";
                case 409 -> "Conflict";
                case 422 -> "Invalid";
                case 429 -> "TooManyRequests";
                default -> code >= 500 ? "ServerError" : "Other";
            };
        }
        if (why.contains("could not be reached")) return "Unreachable";
        if (why.contains("CustomResourceDefinition")) return "CrdNotEstablished";
        if (step == ApplyStep.CHECK_OWNERSHIP) return "OwnedByOtherTarget";
        return "Other";
    }

    private Timer timer(String cluster, String result) {
        return Timer.builder("verity.apply.duration")
                .description("How long one apply of a target's desired state took, from validation to prune")
                .tags("cluster", cluster, "result", result)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10))
                .maximumExpectedValue(Duration.ofMinutes(10))
                .register(registry);
    }

    private Counter applied(String cluster, Outcome outcome) {
        return Counter.builder("verity.objects.applied")
                .description("Objects server-side applied, by whether the apply created, changed or left them")
                .tags("cluster", cluster, "outcome", outcome.name().toLowerCase(Locale.ROOT))
                .register(registry);
    }

    private Counter pruned(String cluster) {
        return Counter.builder("verity.objects.pruned")
                .description("Objects that left Git and were deleted from the cluster (or were already gone)")
                .tag("cluster", cluster)
                .register(registry);
    }

    private Counter kept(String cluster) {
        return Counter.builder("verity.objects.kept")
                .description("Objects that left Git but were kept in the cluster, released from their target")
                .tag("cluster", cluster)
                .register(registry);
    }

    private Counter retries(String cluster, String reason) {
        return Counter.builder("verity.apply.retries")
                .description("Applies of a target done again at once because the one before failed transiently, by reason")
                .tags("cluster", cluster, "reason", reason)
                .register(registry);
    }

    private Counter requestRetries(String cluster, String reason) {
        return Counter.builder("verity.api.transient.errors")
                .description("Kubernetes API answers 429 or 5xx and requests without answer (the client sends them"
                        + " again while its retries last), by reason")
                .tags("cluster", cluster, "reason", reason)
                .register(registry);
    }

    private Counter failed(String cluster, String reason) {
        return Counter.builder("verity.objects.failed")
                .description("Objects that could not be applied or pruned, by reason")
                .tags("cluster", cluster, "reason", reason)
                .register(registry);
    }
}
