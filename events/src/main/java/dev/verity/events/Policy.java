package dev.verity.events;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;

import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * How Verity treats one target, from {@code verity.yaml}; travels with the target's desired state so the
 * applier and drift monitor need not read Git. It carries values only: the renderer's {@code verity.yaml} parser
 * checks what a user wrote (allowed kinds, duration syntax, dependency cycles) and the services act on them.
 *
 * <p><b>On the wire</b> (inside {@code DesiredState.data.policy}, JSON):
 * <pre>{"suspend":false,"prune":true,"selfHeal":false,"force":true,"allowEmpty":false,"dependsOn":[],
 *  "recreate":false,"interval":"PT10M","retryInterval":"PT1M","healthTimeout":"PT5M","pruneAlso":[],
 *  "ignoreDifferences":[]}</pre>
 * Durations are ISO-8601 strings ({@link Duration#toString()}, e.g. {@code PT1H30M}, {@code PT0.5S}), not the Go
 * syntax ({@code 1h30m}) users write in {@code verity.yaml}: the renderer converts. {@code pruneAlso} is written
 * sorted, so equal policies encode to equal JSON. A field that is absent (a desired state written before the field
 * existed) decodes to its default: {@code recreate} false, {@code interval} 10m, {@code retryInterval} 1m,
 * {@code healthTimeout} 5m, {@code pruneAlso}, {@code dependsOn} and {@code ignoreDifferences} empty. Fields this version does not know are
 * ignored when decoding ({@link EventCodec} does not fail on unknown properties), so a newer renderer's policy
 * still decodes in an older service.
 *
 * @param suspend       when true, nothing is applied for the target
 * @param prune         delete objects that left Git
 * @param selfHeal      re-apply on drift (false: detect and alert only)
 * @param force         take over fields another manager owns when applying
 * @param allowEmpty    accept a render with no documents (otherwise a failed render)
 * @param dependsOn     apps in the same environment and cluster that must be healthy first
 * @param recreate      replace an object whose immutable fields changed (delete, then create) instead of failing
 *                      the apply; acted on from issue 8
 * @param interval      how often the target is reconciled even without a new commit; acted on from issue 8
 * @param retryInterval how soon a failed reconciliation is retried; acted on from issue 8
 * @param healthTimeout how long the applier waits for the applied objects to become healthy; acted on from issue 8
 * @param pruneAlso     the protected kinds ({@link #PROTECTED_KINDS}) this target opts in to prune; Verity never
 *                      prunes objects of those kinds otherwise. Not checked against {@link #PROTECTED_KINDS} here, so
 *                      a kind a newer renderer allows does not make an older service reject the whole desired state
 * @param ignoreDifferences paths of selected objects where the drift monitor reports no difference (Argo CD's
 *                      {@code ignoreDifferences}); the applier does not read it and still applies those fields
 */
public record Policy(boolean suspend, boolean prune, boolean selfHeal, boolean force, boolean allowEmpty,
        List<String> dependsOn, boolean recreate,
        @JsonSerialize(using = ToStringSerializer.class) @JsonDeserialize(using = IsoDuration.class) Duration interval,
        @JsonSerialize(using = ToStringSerializer.class) @JsonDeserialize(using = IsoDuration.class) Duration retryInterval,
        @JsonSerialize(using = ToStringSerializer.class) @JsonDeserialize(using = IsoDuration.class) Duration healthTimeout,
        Set<String> pruneAlso, List<IgnoreDifference> ignoreDifferences) {

    /** The kinds Verity never prunes unless a policy lists them in {@code pruneAlso}. */
    public static final Set<String> PROTECTED_KINDS = Collections.unmodifiableSortedSet(
            new TreeSet<>(Set.of("Namespace", "CustomResourceDefinition", "PersistentVolumeClaim")));

    public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(10);
    public static final Duration DEFAULT_RETRY_INTERVAL = Duration.ofMinutes(1);
    public static final Duration DEFAULT_HEALTH_TIMEOUT = Duration.ofMinutes(5);

    public static final Policy DEFAULT = new Policy(false, true, false, true, false, List.of());

    /**
     * Null lists, sets and durations become their defaults; a zero or negative duration or a blank kind is an
     * {@link IllegalArgumentException} naming the field.
     */
    public Policy {
        dependsOn = dependsOn == null ? List.of() : List.copyOf(dependsOn);
        interval = positive("interval", interval, DEFAULT_INTERVAL);
        retryInterval = positive("retryInterval", retryInterval, DEFAULT_RETRY_INTERVAL);
        healthTimeout = positive("healthTimeout", healthTimeout, DEFAULT_HEALTH_TIMEOUT);
        TreeSet<String> kinds = new TreeSet<>();
        if (pruneAlso != null) {
            for (String kind : pruneAlso) {
                Require.nonBlank("pruneAlso[]", kind);
                kinds.add(kind);
            }
        }
        pruneAlso = Collections.unmodifiableSortedSet(kinds);
        ignoreDifferences = ignoreDifferences == null ? List.of() : List.copyOf(ignoreDifferences);
    }

    /** The policy of the first eleven keys, {@code ignoreDifferences} empty. */
    public Policy(boolean suspend, boolean prune, boolean selfHeal, boolean force, boolean allowEmpty,
            List<String> dependsOn, boolean recreate, Duration interval, Duration retryInterval, Duration healthTimeout,
            Set<String> pruneAlso) {
        this(suspend, prune, selfHeal, force, allowEmpty, dependsOn, recreate, interval, retryInterval, healthTimeout,
                pruneAlso, null);
    }

    /** The policy of the first six keys, every later key at its default. */
    public Policy(boolean suspend, boolean prune, boolean selfHeal, boolean force, boolean allowEmpty,
            List<String> dependsOn) {
        this(suspend, prune, selfHeal, force, allowEmpty, dependsOn, false, null, null, null, null, null);
    }

    public Policy withRecreate(boolean recreate) {
        return new Policy(suspend, prune, selfHeal, force, allowEmpty, dependsOn, recreate, interval, retryInterval,
                healthTimeout, pruneAlso, ignoreDifferences);
    }

    public Policy withInterval(Duration interval) {
        return new Policy(suspend, prune, selfHeal, force, allowEmpty, dependsOn, recreate, interval, retryInterval,
                healthTimeout, pruneAlso, ignoreDifferences);
    }

    public Policy withRetryInterval(Duration retryInterval) {
        return new Policy(suspend, prune, selfHeal, force, allowEmpty, dependsOn, recreate, interval, retryInterval,
                healthTimeout, pruneAlso, ignoreDifferences);
    }

    public Policy withHealthTimeout(Duration healthTimeout) {
        return new Policy(suspend, prune, selfHeal, force, allowEmpty, dependsOn, recreate, interval, retryInterval,
                healthTimeout, pruneAlso, ignoreDifferences);
    }

    public Policy withPruneAlso(Set<String> pruneAlso) {
        return new Policy(suspend, prune, selfHeal, force, allowEmpty, dependsOn, recreate, interval, retryInterval,
                healthTimeout, pruneAlso, ignoreDifferences);
    }

    public Policy withIgnoreDifferences(List<IgnoreDifference> ignoreDifferences) {
        return new Policy(suspend, prune, selfHeal, force, allowEmpty, dependsOn, recreate, interval, retryInterval,
                healthTimeout, pruneAlso, ignoreDifferences);
    }

    /** Whether objects of {@code kind} may be pruned under this policy as far as the kind goes. */
    public boolean prunesKind(String kind) {
        return !PROTECTED_KINDS.contains(kind) || pruneAlso.contains(kind);
    }

    private static Duration positive(String field, Duration value, Duration fallback) {
        if (value == null) return fallback;
        if (value.isZero() || value.isNegative()) {
            throw new IllegalArgumentException(field + " must be longer than zero, not " + value);
        }
        return value;
    }

    /** Reads an ISO-8601 duration string ({@code PT10M}); anything else is a decoding error naming the value. */
    static final class IsoDuration extends StdScalarDeserializer<Duration> {
        IsoDuration() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
            }
            String text = p.getText().trim();
            try {
                return Duration.parse(text);
            } catch (DateTimeParseException e) {
                return (Duration) ctxt.handleWeirdStringValue(Duration.class, text,
                        "not an ISO-8601 duration (e.g. PT10M)");
            }
        }
    }
}
