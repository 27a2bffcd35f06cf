package dev.verity.kube;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Whether one live object is ready, by the rules of kstatus (sigs.k8s.io/cli-utils): {@link Status#CURRENT} (ready),
 * {@link Status#IN_PROGRESS} (not yet) or {@link Status#FAILED} (will not get there without a change), with a message
 * a user can act on. What a controller wrote counts only when it has observed the object's current spec: when
 * {@code status.observedGeneration} (or a condition's own {@code observedGeneration}) differs from
 * {@code metadata.generation}, the object is in progress whatever its status says.
 *
 * <ul>
 * <li>Deployment: {@code Progressing=False} with reason {@code ProgressDeadlineExceeded} is failed; otherwise it is
 * current once updated, ready and available replicas reach {@code spec.replicas} (default 1), no old replicas are
 * left, and {@code Available} is not False.</li>
 * <li>StatefulSet: current with {@code updateStrategy: OnDelete}; otherwise once ready replicas reach the spec and,
 * with a {@code partition}, the updated replicas reach {@code replicas - partition}; without one, once current
 * replicas reach the spec and {@code currentRevision} equals {@code updateRevision}.</li>
 * <li>DaemonSet: once scheduled, updated, available and ready pods reach {@code desiredNumberScheduled}.</li>
 * <li>Job: {@code Complete=True} is current, {@code Failed=True} failed, anything else in progress.</li>
 * <li>PersistentVolumeClaim: current when {@code Bound}. CustomResourceDefinition: current when {@code Established},
 * failed when {@code NamesAccepted=False}. Pod: current when {@code Succeeded}, or running and {@code Ready}; failed
 * when {@code Failed} or a container is in {@code CrashLoopBackOff}. Service of type LoadBalancer: current once it
 * has an ingress.</li>
 * <li>Any other object: {@code Stalled=True} is failed, {@code Reconciling=True} or a {@code Ready} condition that is
 * not True is in progress; without such conditions it is current.</li>
 * </ul>
 * An object being deleted is in progress. This class reads a map and decides; it does not read the cluster, wait, or
 * know about targets.
 */
public final class Health {

    /** The kstatus verdicts this applier acts on. */
    public enum Status { CURRENT, IN_PROGRESS, FAILED }

    /** A verdict on one object and why, e.g. {@code Available: 1/3}. */
    public record Result(Status status, String message) {
        public Result {
            Objects.requireNonNull(status, "status");
            message = message == null ? "" : message;
        }

        static Result current(String message) {
            return new Result(Status.CURRENT, message);
        }

        static Result inProgress(String message) {
            return new Result(Status.IN_PROGRESS, message);
        }

        static Result failed(String message) {
            return new Result(Status.FAILED, message);
        }
    }

    /** API groups of Kubernetes itself; a kind of any other group is a custom resource. */
    private static final Set<String> CORE_GROUPS = Set.of("", "apps", "batch", "policy", "autoscaling");
    /** The built-in kinds that have readiness rules; other built-in kinds are ready once stored. */
    private static final Set<String> CHECKED_BUILT_IN = Set.of("apps/Deployment", "apps/StatefulSet",
            "apps/DaemonSet", "batch/Job", "/PersistentVolumeClaim", "/Pod", "/Service",
            "apiextensions.k8s.io/CustomResourceDefinition");

    private Health() {
    }

    /**
     * Whether objects of this kind must be read to know their health: the built-in kinds with readiness rules and
     * every custom resource. A ConfigMap, Secret, Namespace, RBAC object and the like is ready once the API server
     * stored it.
     */
    public static boolean needsCheck(String apiVersion, String kind) {
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        boolean builtIn = CORE_GROUPS.contains(group) || group.endsWith(".k8s.io");
        return !builtIn || CHECKED_BUILT_IN.contains(group + "/" + kind);
    }

    /** The health of a live object as the API server returned it (its JSON as maps and lists). */
    public static Result of(Map<String, Object> object) {
        Map<String, Object> metadata = map(object, "metadata");
        if (metadata.get("deletionTimestamp") != null) return Result.inProgress("being deleted");
        String apiVersion = string(object, "apiVersion");
        String group = apiVersion != null && apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        String kind = Optional.ofNullable(string(object, "kind")).orElse("");
        Map<String, Object> status = map(object, "status");
        long generation = number(metadata, "generation", 0);
        Long observed = status.get("observedGeneration") instanceof Number n ? n.longValue() : null;
        if (observed != null && generation > 0 && observed != generation) {
            return Result.inProgress("the controller has not observed generation " + generation + " yet (observed "
                    + observed + ")");
        }
        return switch (group + "/" + kind) {
            case "apps/Deployment" -> deployment(object, status, observed);
            case "apps/StatefulSet" -> statefulSet(object, status, observed);
            case "apps/DaemonSet" -> daemonSet(status, observed);
            case "batch/Job" -> job(status, generation);
            case "/PersistentVolumeClaim" -> "Bound".equals(string(status, "phase")) ? Result.current("Bound")
                    : Result.inProgress("not Bound (phase " + Optional.ofNullable(string(status, "phase")).orElse("unknown") + ")");
            case "/Pod" -> pod(status, generation);
            case "/Service" -> service(object, status);
            case "apiextensions.k8s.io/CustomResourceDefinition" -> crd(status, generation);
            default -> generic(status, generation);
        };
    }

    private static Result deployment(Map<String, Object> object, Map<String, Object> status, Long observed) {
        if (observed == null) return Result.inProgress("the controller has not observed it yet");
        long generation = number(map(object, "metadata"), "generation", 0);
        Optional<Map<String, Object>> progressing = condition(status, "Progressing", generation);
        if (progressing.isPresent() && "False".equals(string(progressing.get(), "status"))
                && "ProgressDeadlineExceeded".equals(string(progressing.get(), "reason"))) {
            return Result.failed(describe(progressing.get()));
        }
        long spec = number(map(object, "spec"), "replicas", 1);
        long replicas = number(status, "replicas", 0);
        long updated = number(status, "updatedReplicas", 0);
        long ready = number(status, "readyReplicas", 0);
        long available = number(status, "availableReplicas", 0);
        if (updated < spec) return Result.inProgress("Updated: " + updated + "/" + spec);
        if (replicas > updated) return Result.inProgress("Pending termination: " + (replicas - updated) + " old replica(s)");
        if (available < updated) return Result.inProgress("Available: " + available + "/" + updated);
        if (ready < updated) return Result.inProgress("Ready: " + ready + "/" + updated);
        Optional<Map<String, Object>> availableCondition = condition(status, "Available", generation);
        if (availableCondition.isPresent() && "False".equals(string(availableCondition.get(), "status"))) {
            return Result.inProgress(describe(availableCondition.get()));
        }
        return Result.current("Deployment is available: " + available + " replica(s)");
    }

    private static Result statefulSet(Map<String, Object> object, Map<String, Object> status, Long observed) {
        Map<String, Object> spec = map(object, "spec");
        Map<String, Object> strategy = map(spec, "updateStrategy");
        if ("OnDelete".equals(string(strategy, "type"))) return Result.current("updateStrategy OnDelete: not tracked");
        if (observed == null) return Result.inProgress("the controller has not observed it yet");
        long replicas = number(spec, "replicas", 1);
        long ready = number(status, "readyReplicas", 0);
        long updated = number(status, "updatedReplicas", 0);
        long current = number(status, "currentReplicas", 0);
        if (number(status, "replicas", 0) < replicas) {
            return Result.inProgress("Replicas: " + number(status, "replicas", 0) + "/" + replicas);
        }
        if (ready < replicas) return Result.inProgress("Ready: " + ready + "/" + replicas);
        Object partition = map(strategy, "rollingUpdate").get("partition");
        if (partition instanceof Number p && p.longValue() > 0) {
            long expected = Math.max(0, replicas - p.longValue());
            if (updated < expected) return Result.inProgress("Partitioned rollout: updated " + updated + "/" + expected);
            return Result.current("Partitioned rollout complete: " + updated + " replica(s) updated");
        }
        if (current < replicas) return Result.inProgress("Current: " + current + "/" + replicas);
        if (!Objects.equals(string(status, "currentRevision"), string(status, "updateRevision"))) {
            return Result.inProgress("waiting for revision " + string(status, "updateRevision") + " (current "
                    + string(status, "currentRevision") + ")");
        }
        return Result.current("StatefulSet rolled out: " + ready + " replica(s) ready");
    }

    private static Result daemonSet(Map<String, Object> status, Long observed) {
        if (observed == null || !(status.get("desiredNumberScheduled") instanceof Number)) {
            return Result.inProgress("the controller has not observed it yet");
        }
        long desired = number(status, "desiredNumberScheduled", 0);
        long scheduled = number(status, "currentNumberScheduled", 0);
        long updated = number(status, "updatedNumberScheduled", 0);
        long available = number(status, "numberAvailable", 0);
        long ready = number(status, "numberReady", 0);
        if (scheduled < desired) return Result.inProgress("Scheduled: " + scheduled + "/" + desired);
        if (updated < desired) return Result.inProgress("Updated: " + updated + "/" + desired);
        if (available < desired) return Result.inProgress("Available: " + available + "/" + desired);
        if (ready < desired) return Result.inProgress("Ready: " + ready + "/" + desired);
        return Result.current("DaemonSet rolled out: " + available + " pod(s) available");
    }

    private static Result job(Map<String, Object> status, long generation) {
        Optional<Map<String, Object>> complete = condition(status, "Complete", generation);
        if (complete.isPresent() && "True".equals(string(complete.get(), "status"))) {
            return Result.current("Job complete: " + number(status, "succeeded", 0) + " succeeded");
        }
        Optional<Map<String, Object>> failed = condition(status, "Failed", generation);
        if (failed.isPresent() && "True".equals(string(failed.get(), "status"))) {
            return Result.failed(describe(failed.get()));
        }
        return Result.inProgress("Job in progress: " + number(status, "active", 0) + " active, "
                + number(status, "succeeded", 0) + " succeeded, " + number(status, "failed", 0) + " failed");
    }

    private static Result pod(Map<String, Object> status, long generation) {
        String phase = Optional.ofNullable(string(status, "phase")).orElse("Pending");
        if ("Succeeded".equals(phase)) return Result.current("Pod succeeded");
        if ("Failed".equals(phase)) {
            return Result.failed("Pod failed" + Optional.ofNullable(string(status, "reason")).map(r -> ": " + r).orElse(""));
        }
        for (Object c : list(status, "containerStatuses")) {
            if (!(c instanceof Map<?, ?> container)) continue;
            Map<String, Object> waiting = map(map(cast(container), "state"), "waiting");
            if ("CrashLoopBackOff".equals(string(waiting, "reason"))) {
                return Result.failed("container " + string(cast(container), "name") + ": CrashLoopBackOff"
                        + Optional.ofNullable(string(waiting, "message")).map(m -> ": " + m).orElse(""));
            }
        }
        Optional<Map<String, Object>> ready = condition(status, "Ready", generation);
        if ("Running".equals(phase) && ready.isPresent() && "True".equals(string(ready.get(), "status"))) {
            return Result.current("Pod running and ready");
        }
        return Result.inProgress("Pod " + phase + ready.map(r -> ", " + describe(r)).orElse(", not Ready"));
    }

    private static Result service(Map<String, Object> object, Map<String, Object> status) {
        if (!"LoadBalancer".equals(string(map(object, "spec"), "type"))) return Result.current("Service");
        if (list(map(status, "loadBalancer"), "ingress").isEmpty()) {
            return Result.inProgress("LoadBalancer has no ingress yet");
        }
        return Result.current("LoadBalancer has an ingress");
    }

    private static Result crd(Map<String, Object> status, long generation) {
        Optional<Map<String, Object>> names = condition(status, "NamesAccepted", generation);
        if (names.isPresent() && "False".equals(string(names.get(), "status"))) return Result.failed(describe(names.get()));
        Optional<Map<String, Object>> established = condition(status, "Established", generation);
        if (established.isPresent() && "True".equals(string(established.get(), "status"))) {
            return Result.current("Established");
        }
        return Result.inProgress(established.map(Health::describe).orElse("not Established yet"));
    }

    private static Result generic(Map<String, Object> status, long generation) {
        Optional<Map<String, Object>> stalled = condition(status, "Stalled", generation);
        if (stalled.isPresent() && "True".equals(string(stalled.get(), "status"))) return Result.failed(describe(stalled.get()));
        Optional<Map<String, Object>> reconciling = condition(status, "Reconciling", generation);
        if (reconciling.isPresent() && "True".equals(string(reconciling.get(), "status"))) {
            return Result.inProgress(describe(reconciling.get()));
        }
        if (hasCondition(status, "Ready")) {
            Optional<Map<String, Object>> ready = condition(status, "Ready", generation);
            if (ready.isEmpty()) return Result.inProgress("Ready not reported for generation " + generation + " yet");
            if (!"True".equals(string(ready.get(), "status"))) return Result.inProgress(describe(ready.get()));
            return Result.current(describe(ready.get()));
        }
        return Result.current("no readiness conditions");
    }

    /**
     * The condition of this type, unless it carries an {@code observedGeneration} of an older spec (then it does not
     * count, and is absent here).
     */
    private static Optional<Map<String, Object>> condition(Map<String, Object> status, String type, long generation) {
        for (Object c : list(status, "conditions")) {
            if (c instanceof Map<?, ?> m && type.equals(m.get("type"))) {
                Map<String, Object> condition = cast(m);
                if (condition.get("observedGeneration") instanceof Number n && generation > 0
                        && n.longValue() != generation) {
                    return Optional.empty();
                }
                return Optional.of(condition);
            }
        }
        return Optional.empty();
    }

    private static boolean hasCondition(Map<String, Object> status, String type) {
        return list(status, "conditions").stream().anyMatch(c -> c instanceof Map<?, ?> m && type.equals(m.get("type")));
    }

    /** {@code Progressing=False ProgressDeadlineExceeded: ReplicaSet "web-1" has timed out progressing.} */
    private static String describe(Map<String, Object> condition) {
        StringBuilder text = new StringBuilder().append(string(condition, "type")).append('=')
                .append(string(condition, "status"));
        String reason = string(condition, "reason");
        if (reason != null && !reason.isBlank()) text.append(' ').append(reason);
        String message = string(condition, "message");
        if (message != null && !message.isBlank()) text.append(": ").append(message);
        return text.toString();
    }

    private static Map<String, Object> map(Map<String, Object> parent, String field) {
        return parent != null && parent.get(field) instanceof Map<?, ?> m ? cast(m) : Map.of();
    }

    private static List<?> list(Map<String, Object> parent, String field) {
        return parent.get(field) instanceof List<?> l ? l : List.of();
    }

    private static String string(Map<String, Object> parent, String field) {
        return parent.get(field) instanceof String s ? s : null;
    }

    private static long number(Map<String, Object> parent, String field, long absent) {
        return parent.get(field) instanceof Number n ? n.longValue() : absent;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
        return (Map<String, Object>) m;
    }
}
