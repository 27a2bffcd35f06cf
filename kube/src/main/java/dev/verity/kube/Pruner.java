package dev.verity.kube;

import dev.verity.events.TargetKey;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.http.HttpResponse;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The prune step: what the inventory holds and the new desired state no longer does, in reverse stage order (the
 * objects that live in namespaces first, CRDs last). An object is deleted, with its inventory uid as precondition
 * and background propagation, only while it is still the object Verity applied and still annotated for this
 * target, and only when nothing keeps it:
 * <ul>
 * <li>the latest desired state of another target contains it (it moved there): handed over ({@link Outcome#MOVED}),
 *     not touched;</li>
 * <li>it is a Namespace, CustomResourceDefinition or PersistentVolumeClaim (deleting one deletes what it holds)
 *     and the policy does not list its kind in {@code pruneAlso} ({@link PrunePolicy}): kept;</li>
 * <li>the target's policy has {@code prune: false}, or the object is annotated {@value Ownership#PRUNE_ANNOTATION}
 *     {@code : disabled}: kept.</li>
 * </ul>
 * A kept object is released: Verity's annotation and labels are removed, so it no longer claims the target and
 * another target may adopt it. An object that would be deleted waits instead while another target's desired state
 * for the same commit has not arrived ({@link OtherTargets#inFlight}): it may be moving there. Either way it leaves the inventory, except when the cluster could not be asked or
 * refused a write: then it stays, and the next apply tries again.
 */
final class Pruner {

    private static final long TIMEOUT_SECONDS = 30;

    /**
     * What the prune did: an outcome per object that left the desired state, the entries to keep for next time, and
     * the target whose desired state a waiting prune waits for (null when none waits).
     */
    record Result(List<ObjectOutcome> outcomes, List<Inventory.Entry> retry, TargetKey waitingFor) {
        boolean failed() {
            return outcomes.stream().anyMatch(o -> o.outcome() == Outcome.FAILED);
        }
    }

    private final KubernetesClient client;

    Pruner(KubernetesClient client) {
        this.client = client;
    }

    Result prune(TargetChange change, PrunePolicy policy, List<Inventory.Entry> leaving, OtherTargets others) {
        List<Inventory.Entry> order = new ArrayList<>(leaving);
        java.util.Collections.reverse(order);
        order.sort(Comparator.comparing(Inventory.Entry::stage).reversed()); // stable: reverse inventory order within a stage
        List<ObjectOutcome> outcomes = new ArrayList<>();
        List<Inventory.Entry> retry = new ArrayList<>();
        List<TargetKey> inFlight = leaving.isEmpty() ? List.of() : others.inFlight(change);
        for (Inventory.Entry entry : order) {
            ObjectOutcome outcome = pruneOne(change.target(), policy, entry, others, inFlight);
            if (outcome.outcome() == Outcome.FAILED || outcome.outcome() == Outcome.WAITING) retry.add(entry);
            outcomes.add(outcome);
        }
        boolean waiting = outcomes.stream().anyMatch(o -> o.outcome() == Outcome.WAITING);
        return new Result(outcomes, retry, waiting ? inFlight.get(0) : null);
    }

    private ObjectOutcome pruneOne(TargetKey target, PrunePolicy policy, Inventory.Entry entry, OtherTargets others,
            List<TargetKey> inFlight) {
        Optional<TargetKey> wanting = others.wanting(target, entry.identity());
        if (wanting.isPresent()) {
            return new ObjectOutcome(entry.ref(), Outcome.MOVED, "it is in the desired state of target " + wanting.get()
                    + " now, which takes it over");
        }
        GenericKubernetesResource live;
        try {
            live = operation(entry).withName(entry.name()).get();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) return new ObjectOutcome(entry.ref(), Outcome.PRUNED, "already gone");
            return failed(entry, "could not be read to prune it: " + Applier.reason(entry.ref(), e));
        }
        if (live == null) return new ObjectOutcome(entry.ref(), Outcome.PRUNED, "already gone");
        Map<String, String> annotations = live.getMetadata().getAnnotations();
        Optional<String> owner = Ownership.owner(annotations);
        if (owner.isEmpty() || !owner.get().equals(target.toString())) {
            return kept(entry, owner.map(o -> "it is annotated for target " + o + " now")
                    .orElse("it no longer carries the annotation " + Ownership.TARGET_ANNOTATION + "=" + target)
                    + "; left as it is");
        }
        String uid = live.getMetadata().getUid();
        if (entry.uid() != null && !entry.uid().equals(uid)) {
            return kept(entry, "it was deleted and created again outside Verity (uid " + uid + ", not "
                    + entry.uid() + "); left as it is");
        }
        String keepReason = null;
        if (!policy.prune()) {
            keepReason = "the target's policy has prune: false";
        } else if (policy.protects(entry.type())) {
            keepReason = entry.type().kind() + "s are not pruned unless the policy lists the kind in pruneAlso"
                    + " (deleting one deletes what it holds)";
        } else if (Ownership.pruneDisabled(annotations)) {
            keepReason = "it is annotated " + Ownership.PRUNE_ANNOTATION + ": disabled";
        }
        if (keepReason != null) return release(entry, keepReason);
        if (!inFlight.isEmpty()) {
            return new ObjectOutcome(entry.ref(), Outcome.WAITING, "its prune waits for the desired state of "
                    + inFlight.stream().map(TargetKey::toString).collect(java.util.stream.Collectors.joining(", "))
                    + " at this commit, which may take it over");
        }
        return delete(entry, uid);
    }

    /** Leaves the object in the cluster without Verity's annotation and labels. */
    private ObjectOutcome release(Inventory.Entry entry, String why) {
        String patch = "{\"metadata\":{\"annotations\":{\"" + Ownership.TARGET_ANNOTATION + "\":null},\"labels\":{\""
                + Ownership.MANAGED_BY_LABEL + "\":null,\"" + Ownership.TARGET_HASH_LABEL + "\":null}}}";
        try {
            operation(entry).withName(entry.name())
                    .patch(new PatchContext.Builder().withPatchType(PatchType.JSON_MERGE)
                            .withFieldManager(Ownership.FIELD_MANAGER).build(), patch);
        } catch (KubernetesClientException e) {
            if (e.getCode() != 404) {
                return failed(entry, "left the desired state and is kept (" + why + "), but Verity's annotation and"
                        + " labels could not be removed: " + Applier.reason(entry.ref(), e));
            }
        }
        return kept(entry, why + "; Verity's annotation and labels removed, the object is left in the cluster");
    }

    private ObjectOutcome delete(Inventory.Entry entry, String uid) {
        String options = "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Background\""
                + (uid == null ? "" : ",\"preconditions\":{\"uid\":\"" + uid + "\"}") + "}";
        HttpResponse<String> response;
        try {
            response = client.getHttpClient().sendAsync(client.getHttpClient().newHttpRequestBuilder()
                    .uri(client.getMasterUrl().toString().replaceAll("/$", "") + path(entry))
                    .method("DELETE", "application/json", options)
                    .timeout(TIMEOUT_SECONDS, TimeUnit.SECONDS).build(), String.class)
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(entry, "interrupted while deleting it");
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            return failed(entry, "could not be deleted: the API server could not be reached ("
                    + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")");
        }
        int code = response.code();
        if (code == 200 || code == 202) return new ObjectOutcome(entry.ref(), Outcome.PRUNED, "");
        if (code == 404) return new ObjectOutcome(entry.ref(), Outcome.PRUNED, "already gone");
        if (code == 409) {
            return kept(entry, "it was deleted and created again while Verity pruned it (uid precondition failed);"
                    + " left as it is");
        }
        String body = response.body() == null ? "" : response.body();
        return failed(entry, "could not be deleted: the API server answered " + code
                + ("Secret".equals(entry.type().kind()) ? "" : ": " + body));
    }

    private static ObjectOutcome kept(Inventory.Entry entry, String why) {
        return new ObjectOutcome(entry.ref(), Outcome.KEPT, why);
    }

    private static ObjectOutcome failed(Inventory.Entry entry, String why) {
        return new ObjectOutcome(entry.ref(), Outcome.FAILED, why + "; it stays in the inventory and the next apply"
                + " tries again");
    }

    private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> operation(Inventory.Entry entry) {
        return Applier.operation(client, entry.type(), entry.namespace());
    }

    /** The object's URL path on the API server. */
    static String path(Inventory.Entry entry) {
        return path(entry.type(), entry.namespace(), entry.name());
    }

    /** The URL path of the object {@code name} of {@code type} (in {@code namespace} when namespaced). */
    static String path(ResourceType type, String namespace, String name) {
        String base = type.group().isEmpty() ? "/api/" + type.version() : "/apis/" + type.group() + "/" + type.version();
        String in = type.namespaced() ? "/namespaces/" + namespace : "";
        return base + in + "/" + type.plural() + "/" + name;
    }
}
