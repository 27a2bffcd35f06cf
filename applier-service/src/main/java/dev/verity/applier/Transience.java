package dev.verity.applier;

import dev.verity.kube.ApplyResult;
import dev.verity.kube.ApplyStep;
import dev.verity.kube.ObjectOutcome;
import dev.verity.kube.Outcome;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tells a failed apply that may succeed when simply done again (transient) from one that will fail the same way
 * until the desired state or the cluster changes (permanent), from the failure text the {@code kube} module reports
 * ({@link ObjectOutcome#reason()}, {@link ApplyResult#error()}: the API server's status code and message).
 *
 * <p>Transient, with the reason a retry is counted under: 429 ({@code TooManyRequests}), 5xx
 * ({@code ServerError}; 504 as {@code Timeout}), no answer ({@code Unreachable}), and a 409 optimistic-lock conflict
 * ("the object has been modified; please apply your changes to the latest version", {@code Conflict}): doing the
 * apply again re-reads every object. Permanent: every other answer, among them a 409 field-manager conflict
 * (status cause {@code FieldManagerConflict}: another manager owns the fields and only {@code force} or a change in
 * Git resolves it), 422 and 400 (the object is invalid), 403, 404; an invalid desired state; an object owned by
 * another target; a fenced inventory (another applier wrote it: acting again at once would fight that applier; the
 * retry interval tries again later, from the leader only).
 *
 * <p>This class only classifies; it neither retries nor logs.
 */
final class Transience {

    private static final Pattern ANSWERED = Pattern.compile("the API server answered (\\d{3})");
    private static final String OPTIMISTIC_LOCK = "the object has been modified";

    private Transience() {
    }

    /** Why a failed apply is worth doing again at once, or empty when it is not (or did not fail). */
    static Optional<String> of(ApplyResult result) {
        if (result.succeeded()) return Optional.empty();
        if (result.failedAt() == ApplyStep.VALIDATE && result.failedObject() != null) return Optional.empty();
        String failure = result.objects().stream().filter(o -> o.outcome() == Outcome.FAILED)
                .map(ObjectOutcome::reason).findFirst()
                .or(() -> result.removed().stream().filter(o -> o.outcome() == Outcome.FAILED)
                        .map(ObjectOutcome::reason).findFirst())
                .orElse(result.error());
        return of(failure == null || failure.isEmpty() ? result.error() : failure);
    }

    /** Why a failure worded {@code failure} is transient, or empty when it is permanent. */
    static Optional<String> of(String failure) {
        if (failure == null) return Optional.empty();
        Matcher answered = ANSWERED.matcher(failure);
        if (answered.find()) {
            int code = Integer.parseInt(answered.group(1));
            if (code == 429) return Optional.of("TooManyRequests");
            if (code == 504 || code == 408) return Optional.of("Timeout");
            if (code >= 500) return Optional.of("ServerError");
            if (code == 409 && failure.contains(OPTIMISTIC_LOCK) && !failure.contains("Apply failed with")) {
                return Optional.of("Conflict");
            }
            return Optional.empty();
        }
        if (failure.contains("could not be reached")) {
            return Optional.of(failure.contains("Timeout") ? "Timeout" : "Unreachable");
        }
        return Optional.empty();
    }
}
