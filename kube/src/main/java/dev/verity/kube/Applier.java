package dev.verity.kube;

import dev.verity.events.AppliedObject;
import dev.verity.events.DesiredState;
import dev.verity.events.ObjectRef;
import dev.verity.events.TargetKey;
import io.fabric8.kubernetes.api.model.APIResource;
import io.fabric8.kubernetes.api.model.APIResourceList;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceList;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusCause;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.MixedOperation;
import io.fabric8.kubernetes.client.dsl.NonNamespaceOperation;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.fabric8.kubernetes.client.dsl.ServerSideApplicable;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Converges a cluster to one target's desired state with server-side apply, as a plan of named steps:
 * {@code validate → stage → check ownership → record inventory → per stage (dry run → apply) → prune → report}
 * (as fluxcd/pkg/ssa applies stages).
 *
 * <ul>
 * <li>A validation failure of any document fails the target before anything is written.</li>
 * <li>Every object is read first; when any belongs to another target (annotation
 * {@value Ownership#TARGET_ANNOTATION}) whose latest desired state still contains it, the target fails before
 * anything is written. An object whose owner no longer wants it (it moved here in the same commit) is taken over.</li>
 * <li>The target's {@link Inventory} is read, and written back with the new objects added before any object is
 * written, so that whatever happens next, everything Verity may have created is recorded ({@link InventoryStore}:
 * the write is fenced, so two appliers never act on one target). A target that renders no objects while its
 * inventory holds some is refused unless its policy says {@code allowEmpty}: an empty render is more often a
 * broken overlay than a wish to delete everything.</li>
 * <li>What is applied is the document without server-owned fields, carrying the target annotation and labels
 * ({@link Ownership#labels}); a Secret's {@code stringData} is applied as {@code data} (the server never returns
 * {@code stringData}, so owning it would leave keys removed from Git behind); a field an allowed writer holds in
 * the live object and Verity does not own ({@link AllowedWriters}, by default the HPA's {@code spec.replicas} written
 * through {@code /scale}) is left out, so that a forced apply never takes it back.</li>
 * <li>Before a stage ({@link Stage}) is written, every object of it is server-side applied with {@code dryRun=All},
 * with the field manager and force of the real apply. A refusal (invalid or immutable field, admission, conflict,
 * missing namespace, ...) fails the target at {@link ApplyStep#DRY_RUN} naming the object and the server's reason;
 * nothing of that stage or the later ones is written, and the result says which stages were.</li>
 * <li>A dry run refused only because a field is immutable (a selector, a Service's cluster IP, a Job's template,
 * ...; {@link Immutability}) is no refusal when the target's policy says {@code recreate: true} and the kind is not
 * a PersistentVolumeClaim, Namespace or CustomResourceDefinition: the object is deleted with its uid as precondition
 * and foreground propagation, awaited until gone (bounded, {@link ApplyOptions#recreateTimeout()}) and applied
 * again ({@link Recreator}), reported as {@link Outcome#CONFIGURED} with a reason saying it was recreated. Otherwise
 * the refusal names the field and says what to do.</li>
 * <li>Objects are applied stage by stage with field manager {@value Ownership#FIELD_MANAGER}, forcing conflicts when
 * the target's policy says {@code force}. The apply stops at the first object that fails (later objects may depend
 * on it) and reports which objects were applied and which not; nothing is pruned then.</li>
 * <li>After an object is applied, the fields Verity applies are taken over from the managers of {@code kubectl
 * create}, client-side {@code kubectl apply} and {@code kubectl edit}, and the last-applied annotation removed
 * ({@link Adoption}, managers in {@link ApplyOptions#adoptedManagers()}), so that a field later removed from Git
 * is removed from the cluster.</li>
 * <li>A custom resource whose CustomResourceDefinition this apply wrote is applied only once that CRD is
 * Established (the API server serves its kind only then; before, the custom resource would get 404, so its dry
 * run waits too) and the server's discovery lists its kind (what kubectl and controllers read may follow a moment later). The wait is
 * bounded ({@link #DEFAULT_ESTABLISHED_TIMEOUT} unless configured); a CRD that is not Established by then fails the
 * first such custom resource, naming the CRD and its conditions.</li>
 * <li>After a complete apply, what the inventory holds and the desired state no longer does is pruned
 * ({@link Pruner}), and the inventory is written with just the desired objects (and those whose prune must be
 * tried again).</li>
 * </ul>
 *
 * <p>Objects carry no commit annotation: it would rewrite every object on every commit, so an object whose content
 * did not change would not stay unchanged (the commit travels in the {@code Applied} event instead).
 */
public final class Applier {

    private static final Logger LOG = Logger.getLogger(Applier.class);
    /** How long a custom resource waits for its CustomResourceDefinition, applied just before, to be Established. */
    public static final Duration DEFAULT_ESTABLISHED_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration ESTABLISHED_POLL = Duration.ofMillis(100);
    /** A NamesAccepted=False seen this long after the apply is the naming controller's answer, not a stale one. */
    private static final Duration NAMES_SETTLED = Duration.ofSeconds(2);

    private final KubernetesClient client;
    private final Duration establishedTimeout;
    private final InventoryStore inventories;
    private final Pruner pruner;
    private final Recreator recreator;
    private final Adoption adoption;
    private final AllowedWriters allowedWriters;

    public Applier(KubernetesClient client) {
        this(client, ApplyOptions.DEFAULT);
    }

    /**
     * @param establishedTimeout how long a custom resource waits for the CRD this apply wrote to be Established
     * @param inventoryNamespace where the targets' inventories are kept ({@link InventoryStore})
     */
    public Applier(KubernetesClient client, Duration establishedTimeout, String inventoryNamespace) {
        this(client, ApplyOptions.DEFAULT.withEstablishedTimeout(establishedTimeout)
                .withInventoryNamespace(inventoryNamespace));
    }

    public Applier(KubernetesClient client, ApplyOptions options) {
        this.client = Objects.requireNonNull(client, "client");
        this.establishedTimeout = options.establishedTimeout();
        this.inventories = new InventoryStore(client, options.inventoryNamespace());
        this.pruner = new Pruner(client);
        this.recreator = new Recreator(client, options.recreateTimeout());
        this.adoption = new Adoption(options.adoptedManagers());
        this.allowedWriters = options.allowedWriters();
    }

    /** Where the inventories are kept. */
    public InventoryStore inventories() {
        return inventories;
    }

    /** Applies a desired state of the only target that wants its objects; see {@link #apply(DesiredState, OtherTargets)}. */
    public ApplyResult apply(DesiredState desired) {
        return apply(desired, OtherTargets.NONE);
    }

    /**
     * Applies a desired state, prunes what left it, and reports what happened to each object; never throws for a
     * cluster error.
     *
     * @param others what the cluster's other targets want, so that an object moving between targets is neither
     *               pruned by the one it left nor refused by the one it joins
     */
    public ApplyResult apply(DesiredState desired, OtherTargets others) {
        Validation validation;
        try {
            validation = validate(desired);
        } catch (KubernetesClientException e) {
            return ApplyResult.notWritten(desired.target(), desired.commit(), desired.digest(), List.of(),
                    ApplyStep.VALIDATE, null, desired.target().at(desired.commit())
                            + ": cannot read the cluster's API discovery to validate the desired state: "
                            + reason(null, e) + "; nothing was applied");
        }
        if (!validation.valid()) {
            return ApplyResult.invalid(desired.target(), desired.commit(), desired.digest(), validation.parsed(),
                    validation.firstInvalidObject(), validation.problems());
        }
        List<PlannedObject> staged = ApplyPlan.stage(validation.objects());
        Map<ObjectRef, GenericKubernetesResource> live = new HashMap<>();
        Optional<ApplyResult> refused = checkOwnership(desired, staged, live, others);
        if (refused.isPresent()) return refused.get();
        Map<ObjectRef, String> uids = new HashMap<>();
        live.forEach((ref, object) -> uids.put(ref, object.getMetadata().getUid()));
        Inventory recorded;
        try {
            recorded = recordInventory(desired, staged, uids);
        } catch (InventoryRefused e) {
            return e.result;
        }
        List<AppliedObject> state = new ArrayList<>();
        StagesOutcome stages = applyStages(desired, staged, live, uids, state);
        ApplyResult applied = report(desired, stages).withState(state);
        if (!applied.succeeded()) return applied;
        return prune(desired, staged, recorded, uids, stages.outcomes(), others).withState(state);
    }

    /**
     * Reads the target's inventory and writes it back with the new objects added, before anything is applied.
     *
     * @return the inventory as recorded: the old objects and the new
     * @throws InventoryRefused with the result to report when it cannot be read or written, or when the target
     *         renders nothing while its inventory holds objects
     */
    Inventory recordInventory(DesiredState desired, List<PlannedObject> staged, Map<ObjectRef, String> liveUids) {
        TargetKey target = desired.target();
        List<ObjectRef> refs = staged.stream().map(PlannedObject::ref).toList();
        Inventory old;
        try {
            old = inventories.read(target);
        } catch (KubernetesClientException | IllegalArgumentException e) {
            throw new InventoryRefused(ApplyResult.notWritten(target, desired.commit(), desired.digest(), refs,
                    ApplyStep.INVENTORY, null, target.at(desired.commit()) + ": cannot read the target's inventory"
                            + " (ConfigMap " + inventories.namespace() + "/" + InventoryStore.configMapName(target) + "): "
                            + (e instanceof KubernetesClientException k ? reason(null, k) : e.getMessage())
                            + "; nothing was applied"));
        }
        if (staged.isEmpty() && !old.isEmpty() && !desired.policy().allowEmpty()) {
            throw new InventoryRefused(ApplyResult.notWritten(target, desired.commit(), desired.digest(), refs,
                    ApplyStep.INVENTORY, null, target.at(desired.commit()) + ": the desired state has no objects, but "
                            + old.entries().size() + " object(s) applied before are in the target's inventory; Verity"
                            + " does not delete a whole target because a render came out empty. If the target really"
                            + " should be empty, set allowEmpty: true in its policy in verity.yaml; otherwise fix the"
                            + " overlay. Nothing was applied or deleted"));
        }
        List<Inventory.Entry> added = staged.stream().map(o -> Inventory.entryOf(o, liveUids.get(o.ref()))).toList();
        try {
            return inventories.write(old.with(old.union(added), desired.repo(), desired.commit(),
                    PrunePolicy.of(desired.policy())));
        } catch (InventoryStore.FencedException e) {
            throw new InventoryRefused(ApplyResult.notWritten(target, desired.commit(), desired.digest(), refs,
                    ApplyStep.INVENTORY, null, e.getMessage() + "; nothing was applied"));
        } catch (KubernetesClientException e) {
            throw new InventoryRefused(ApplyResult.notWritten(target, desired.commit(), desired.digest(), refs,
                    ApplyStep.INVENTORY, null, target.at(desired.commit()) + ": cannot record the target's inventory"
                            + " in ConfigMap " + inventories.namespace() + "/" + InventoryStore.configMapName(target)
                            + ": " + reason(null, e) + "; nothing was applied (Verity records what it will apply"
                            + " before applying it, so that nothing it creates is ever lost track of)"));
        }
    }

    /** Prunes what left the desired state and records the inventory of what is left. */
    private ApplyResult prune(DesiredState desired, List<PlannedObject> staged, Inventory recorded,
            Map<ObjectRef, String> uids, List<ObjectOutcome> outcomes, OtherTargets others) {
        java.util.Set<String> wanted = staged.stream().map(Inventory::identityOf).collect(Collectors.toSet());
        List<Inventory.Entry> leaving = recorded.entries().stream().filter(e -> !wanted.contains(e.identity())).toList();
        Pruner.Result pruned = pruner.prune(TargetChange.of(desired), PrunePolicy.of(desired.policy()), leaving, others);
        List<Inventory.Entry> kept = new ArrayList<>(staged.stream()
                .map(o -> Inventory.entryOf(o, uids.get(o.ref()))).toList());
        kept.addAll(pruned.retry());
        try {
            inventories.write(recorded.with(kept, desired.commit()));
        } catch (InventoryStore.FencedException | KubernetesClientException e) {
            String why = "the inventory could not be recorded without the pruned objects ("
                    + (e instanceof KubernetesClientException k ? reason(null, k) : e.getMessage())
                    + "); the next apply prunes again from the inventory as it was";
            return ApplyResult.pruneFailed(desired.target(), desired.commit(), desired.digest(), outcomes,
                    pruned.outcomes(), why);
        }
        for (ObjectOutcome o : pruned.outcomes()) LOG.debugf("%s: %s", desired.describe(), o);
        ApplyResult result = pruned.failed()
                ? ApplyResult.pruneFailed(desired.target(), desired.commit(), desired.digest(), outcomes, pruned.outcomes(), "")
                : ApplyResult.succeeded(desired.target(), desired.commit(), desired.digest(), outcomes)
                        .withRemoved(pruned.outcomes());
        return pruned.waitingFor() == null ? result : result.waitingFor(pruned.waitingFor());
    }

    /**
     * Takes a removed target's objects out of Verity's hands: with the policy recorded in its inventory, prunes them
     * (as {@link Pruner} does: protected kinds, {@code prune: false} and {@code verity.dev/prune: disabled} are
     * released instead, objects another target wants are handed over, objects that may be moving to a target of the
     * same commit wait), then forgets the inventory. Objects whose prune failed or waits stay in the inventory, and
     * the next call tries them again. A target without an inventory has nothing to remove. Never throws for a
     * cluster error.
     *
     * @param change the removal: target, and the repository, commit and commit targets it was removed at (when the
     *               commit is unknown, e.g. only a tombstone is left, the inventory's own are used)
     */
    public ApplyResult remove(TargetChange change, OtherTargets others) {
        TargetKey target = change.target();
        Inventory inventory;
        try {
            inventory = inventories.read(target);
        } catch (KubernetesClientException | IllegalArgumentException e) {
            return ApplyResult.removalFailed(target, change.commit(), List.of(), target.at(change.commit())
                    + ": the target left Git, but its inventory (ConfigMap " + inventories.namespace() + "/"
                    + InventoryStore.configMapName(target) + ") cannot be read: "
                    + (e instanceof KubernetesClientException k ? reason(null, k) : e.getMessage())
                    + "; nothing was pruned, Verity tries again in a minute");
        }
        String commit = change.commit() != null ? change.commit() : inventory.commit();
        if (inventory.resourceVersion() == null) return ApplyResult.removed(target, commit, List.of());
        Pruner.Result pruned = pruner.prune(change, inventory.prunePolicy(), inventory.entries(), others);
        try {
            if (pruned.retry().isEmpty()) inventories.delete(inventory);
            else inventories.write(inventory.with(pruned.retry(), inventory.commit()));
        } catch (InventoryStore.FencedException | KubernetesClientException e) {
            return ApplyResult.removalFailed(target, commit, pruned.outcomes(), target.at(commit) + ": the target"
                    + " left Git and its objects were pruned or released, but its inventory could not be "
                    + (pruned.retry().isEmpty() ? "deleted" : "recorded") + " ("
                    + (e instanceof KubernetesClientException k ? reason(null, k) : e.getMessage()) + ")");
        }
        for (ObjectOutcome o : pruned.outcomes()) LOG.debugf("%s: %s", target.at(commit), o);
        ApplyResult result = pruned.failed()
                ? ApplyResult.removalFailed(target, commit, pruned.outcomes(), "")
                : ApplyResult.removed(target, commit, pruned.outcomes());
        return pruned.waitingFor() == null ? result : result.waitingFor(pruned.waitingFor());
    }

    /** An inventory step that ends the apply before anything is written, with the result to report. */
    private static final class InventoryRefused extends RuntimeException {
        private final transient ApplyResult result;

        InventoryRefused(ApplyResult result) {
            super(result.error(), null, false, false);
            this.result = result;
        }
    }

    /** Parses and checks every document; kinds neither built in nor defined by the target are looked up. */
    Validation validate(DesiredState desired) {
        return ApplyPlan.validate(desired.documents(), this::discover);
    }

    /**
     * Reads every object; refuses the whole target when one belongs to another target. Fills {@code live} with
     * the objects that exist, to tell created from configured later.
     */
    Optional<ApplyResult> checkOwnership(DesiredState desired, List<PlannedObject> staged,
            Map<ObjectRef, GenericKubernetesResource> live, OtherTargets others) {
        TargetKey target = desired.target();
        List<ObjectRef> refs = staged.stream().map(PlannedObject::ref).toList();
        Map<ObjectRef, GenericKubernetesResource> listed = new HashMap<>();
        for (List<PlannedObject> group : byTypeAndNamespace(staged)) {
            if (group.size() < LIST_AT) continue;
            PlannedObject first = group.get(0);
            try {
                listed.putAll(listLive(first.type(), first.ref().namespace(), group));
            } catch (KubernetesClientException e) {
                if (e.getCode() != 403) {
                    return Optional.of(ApplyResult.notWritten(target, desired.commit(), desired.digest(), refs,
                            ApplyStep.CHECK_OWNERSHIP, first.ref(), target.at(desired.commit()) + ": cannot list the "
                                    + first.type().plural() + (first.ref().namespace() == null ? "" : " of namespace "
                                    + first.ref().namespace()) + " to check which target owns " + group.size()
                                    + " of its objects: " + reason(null, e) + "; nothing was applied"));
                }
                // allowed to get but not to list: read them one by one below
            }
        }
        for (PlannedObject object : staged) {
            GenericKubernetesResource current;
            try {
                current = listed.containsKey(object.ref()) ? listed.get(object.ref())
                        : resource(object).withName(object.ref().name()).get();
            } catch (KubernetesClientException e) {
                return Optional.of(ApplyResult.notWritten(target, desired.commit(), desired.digest(), refs,
                        ApplyStep.CHECK_OWNERSHIP, object.ref(), target.at(desired.commit()) + ": cannot read "
                                + object.ref() + " to check which target owns it: " + reason(object.ref(), e)
                                + "; nothing was applied"));
            }
            if (current == null) continue;
            live.put(object.ref(), current);
            Optional<String> owner = Ownership.otherOwner(target, current.getMetadata().getAnnotations());
            if (owner.isPresent() && stillWanted(owner.get(), target, object, others)) {
                Optional<OtherTargets.Source> behind = others.source(owner.get())
                        .filter(s -> Objects.equals(s.repo(), desired.repo()) && !Objects.equals(s.commit(), desired.commit()));
                if (behind.isPresent()) {
                    return Optional.of(ApplyResult.notWritten(target, desired.commit(), desired.digest(), refs,
                            ApplyStep.CHECK_OWNERSHIP, object.ref(), target.at(desired.commit()) + ": " + object.ref()
                                    + " belongs to target " + owner.get() + ", whose latest desired state (commit "
                                    + TargetKey.shortSha(behind.get().commit()) + ") still contains it; if this commit"
                                    + " moved it here, that target's desired state for it has not arrived yet. Nothing"
                                    + " was applied")
                            .waitingFor(TargetKey.parse(owner.get())));
                }
                return Optional.of(ApplyResult.notWritten(target, desired.commit(), desired.digest(), refs,
                        ApplyStep.CHECK_OWNERSHIP, object.ref(), Ownership.conflictMessage(target,
                                desired.commit(), object.ref().toString(), owner.get()) + "; nothing was applied"));
            }
        }
        return Optional.empty();
    }

    /** From this many objects of one kind in one namespace, they are read with one paginated list instead of a GET each. */
    static final int LIST_AT = 8;
    private static final long LIST_PAGE = 500;

    /** The objects grouped by kind and namespace, in the order of their first object. */
    private static java.util.Collection<List<PlannedObject>> byTypeAndNamespace(List<PlannedObject> staged) {
        Map<String, List<PlannedObject>> groups = new LinkedHashMap<>();
        for (PlannedObject o : staged) {
            groups.computeIfAbsent(o.type().apiVersion() + "/" + o.type().plural() + "@" + o.ref().namespace(),
                    k -> new ArrayList<>()).add(o);
        }
        return groups.values();
    }

    /**
     * Lists {@code type} in {@code namespace} page by page and returns each of {@code wanted}: the live object, or
     * null when it does not exist (as a GET answering 404 would). Items carry their apiVersion and kind (a list's
     * items may come without them), so that they compare like the object a GET returns.
     */
    private Map<ObjectRef, GenericKubernetesResource> listLive(ResourceType type, String namespace,
            List<PlannedObject> wanted) {
        Map<String, ObjectRef> byName = new HashMap<>();
        wanted.forEach(o -> byName.put(o.ref().name(), o.ref()));
        Map<ObjectRef, GenericKubernetesResource> found = new HashMap<>();
        wanted.forEach(o -> found.put(o.ref(), null));
        String next = null;
        do {
            io.fabric8.kubernetes.api.model.ListOptionsBuilder options =
                    new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(LIST_PAGE);
            if (next != null) options.withContinue(next);
            GenericKubernetesResourceList page = operation(client, type, namespace).list(options.build());
            for (GenericKubernetesResource item : page.getItems()) {
                ObjectRef ref = byName.get(item.getMetadata().getName());
                if (ref == null) continue;
                item.setApiVersion(type.apiVersion());
                item.setKind(type.kind());
                found.put(ref, item);
            }
            next = page.getMetadata() == null ? null : page.getMetadata().getContinue();
        } while (next != null && !next.isEmpty());
        return found;
    }

    /**
     * Whether the target {@code owner} an object is annotated for still wants it: true unless its latest desired
     * state is known and no longer contains the object (the object moved to {@code target}, or its target left Git);
     * then {@code target} takes it over.
     */
    private static boolean stillWanted(String owner, TargetKey target, PlannedObject object, OtherTargets others) {
        if (others == OtherTargets.NONE) return true;
        Optional<TargetKey> wanting = others.wanting(target, Inventory.identityOf(object));
        if (wanting.isPresent() && wanting.get().toString().equals(owner)) return true;
        return !others.knows(owner);
    }

    /** What the stages did: each object's outcome in apply order, and the stage whose dry run was refused, if one was. */
    record StagesOutcome(List<ObjectOutcome> outcomes, Stage refusedStage) {
    }

    /**
     * Per stage, in order: server-side applies each object of the stage with {@code dryRun=All}, then, when the server
     * accepted them all, applies them for real, stopping at the first failure. A custom resource of a CRD applied in
     * an earlier stage first waits for that CRD to be Established (before its dry run: the server serves its kind
     * only then). A refused dry run writes nothing of its stage or of the later ones.
     */
    StagesOutcome applyStages(DesiredState desired, List<PlannedObject> staged,
            Map<ObjectRef, GenericKubernetesResource> live, Map<ObjectRef, String> uids, List<AppliedObject> state) {
        List<ObjectOutcome> outcomes = new ArrayList<>();
        Map<String, String> appliedCrds = new HashMap<>(); // group/kind -> CRD name, until seen Established
        for (Stage stage : Stage.values()) {
            List<PlannedObject> objects = staged.stream().filter(o -> o.stage() == stage).toList();
            if (objects.isEmpty()) continue;
            Map<ObjectRef, GenericKubernetesResource> bodies = new HashMap<>();
            Map<ObjectRef, List<String>> recreate = new HashMap<>();
            ObjectOutcome refused = null;
            for (PlannedObject object : objects) {
                String crd = appliedCrds.remove(object.type().group() + "/" + object.type().kind());
                Optional<String> notServed = crd == null ? Optional.empty()
                        : awaitEstablished(crd).or(() -> awaitDiscovered(crd, object.type()));
                if (notServed.isPresent()) {
                    refused = new ObjectOutcome(object.ref(), Outcome.FAILED, notServed.get());
                    break;
                }
                GenericKubernetesResource body = body(desired, object, live.get(object.ref()));
                DryRun answer = dryRun(desired, object, body);
                if (answer.refusal() != null) {
                    refused = new ObjectOutcome(object.ref(), Outcome.FAILED, answer.refusal());
                    break;
                }
                if (!answer.recreate().isEmpty()) recreate.put(object.ref(), answer.recreate());
                bodies.put(object.ref(), body);
            }
            if (refused != null) {
                LOG.debugf("%s: dry run of stage %d refused: %s", desired.describe(), stage.number(), refused);
                String skipped = "not applied: the dry run of stage " + stage.number() + " refused " + refused.object();
                for (PlannedObject object : staged) {
                    if (object.stage().compareTo(stage) < 0) continue;
                    outcomes.add(object.ref().equals(refused.object()) ? refused
                            : new ObjectOutcome(object.ref(), Outcome.SKIPPED, skipped));
                }
                return new StagesOutcome(outcomes, stage);
            }
            ObjectRef failed = null;
            for (PlannedObject object : objects) {
                if (failed != null) {
                    outcomes.add(new ObjectOutcome(object.ref(), Outcome.SKIPPED, "not applied: " + failed + " failed"));
                    continue;
                }
                List<String> immutable = recreate.get(object.ref());
                ObjectOutcome outcome = immutable == null
                        ? applyOne(desired, object, bodies.get(object.ref()), live.get(object.ref()), uids, state)
                        : recreate(desired, object, live.get(object.ref()), immutable, uids, state);
                if (stage == Stage.CUSTOM_RESOURCE_DEFINITIONS && outcome.outcome().applied()) {
                    definedKind(object.manifest()).ifPresent(kind -> appliedCrds.put(kind, object.ref().name()));
                }
                LOG.debugf("%s: %s", desired.describe(), outcome);
                if (outcome.outcome() == Outcome.FAILED) failed = object.ref();
                outcomes.add(outcome);
            }
            if (failed != null) {
                for (PlannedObject object : staged) {
                    if (object.stage().compareTo(stage) <= 0) continue;
                    outcomes.add(new ObjectOutcome(object.ref(), Outcome.SKIPPED, "not applied: " + failed + " failed"));
                }
                return new StagesOutcome(outcomes, null);
            }
        }
        return new StagesOutcome(outcomes, null);
    }

    /**
     * The answer to a dry run: accepted (both empty), refused ({@code refusal}, the server's reason and what to do), or
     * refused only for immutable fields of an object Verity may recreate ({@code recreate}, those fields).
     */
    private record DryRun(String refusal, List<String> recreate) {
        static final DryRun ACCEPTED = new DryRun(null, List.of());
    }

    /**
     * Server-side applies one object with {@code dryRun=All}, with the field manager and force of the real apply. A
     * refusal because of immutable fields asks for a recreate when the target's policy says {@code recreate: true} and
     * the kind may be recreated ({@link Immutability}); otherwise it says what to do.
     */
    private DryRun dryRun(DesiredState desired, PlannedObject object, GenericKubernetesResource body) {
        try {
            ServerSideApplicable<GenericKubernetesResource> apply = resource(object).resource(body).dryRun()
                    .fieldManager(Ownership.FIELD_MANAGER);
            if (desired.policy().force()) apply = apply.forceConflicts();
            apply.serverSideApply();
            return DryRun.ACCEPTED;
        } catch (KubernetesClientException e) {
            List<String> immutable = Immutability.fields(e);
            String reason = reason(object.ref(), e);
            if (immutable.isEmpty()) return new DryRun(reason, List.of());
            String kind = object.ref().kind();
            String fields = String.join(", ", immutable);
            if (!Immutability.recreatable(kind)) {
                return new DryRun(reason + "; " + fields + " of a " + kind + " cannot be changed in place, and Verity"
                        + " never deletes a " + kind + " to recreate it (that would delete what it holds): change it"
                        + " by hand, or restore the old value in Git", List.of());
            }
            if (!desired.policy().recreate()) {
                return new DryRun(reason + "; " + fields + " cannot be changed in place: set recreate: true in the"
                        + " target's policy in verity.yaml to let Verity delete the " + kind + " and create it again,"
                        + " or recreate it by hand", List.of());
            }
            return new DryRun(null, immutable);
        } catch (RuntimeException e) {
            return new DryRun("the client failed: " + e.getClass().getSimpleName()
                    + (isSecret(object.ref()) ? "" : ": " + e.getMessage()), List.of());
        }
    }

    /**
     * Deletes the object (uid precondition, foreground), waits until it is gone, and applies it again. Reported as
     * {@link Outcome#CONFIGURED} with the note that it was recreated and why: for a user the object is the same one,
     * changed (and {@code Applied} counts stay created/configured/unchanged).
     */
    private ObjectOutcome recreate(DesiredState desired, PlannedObject object, GenericKubernetesResource before, List<String> immutable, Map<ObjectRef, String> uids,
            List<AppliedObject> state) {
        String why = "recreated: " + String.join(", ", immutable) + " cannot be changed in place";
        if (before == null || before.getMetadata().getUid() == null) {
            return new ObjectOutcome(object.ref(), Outcome.FAILED, "the server refused to change " + String.join(", ",
                    immutable) + " of an object Verity did not read before; push again");
        }
        Optional<String> notGone = recreator.delete(object, before.getMetadata().getUid());
        if (notGone.isPresent()) {
            return new ObjectOutcome(object.ref(), Outcome.FAILED, notGone.get() + " (" + why + ")");
        }
        LOG.infof("%s: %s deleted to be recreated (%s cannot be changed in place)", desired.describe(), object.ref(),
                String.join(", ", immutable));
        ObjectOutcome created = applyOne(desired, object, body(desired, object, null), null, uids, state);
        return created.outcome() == Outcome.FAILED
                ? new ObjectOutcome(object.ref(), Outcome.FAILED, "it was deleted to be recreated (" + String.join(", ",
                        immutable) + " cannot be changed in place), but could not be created again: " + created.reason())
                : new ObjectOutcome(object.ref(), Outcome.CONFIGURED, why);
    }

    /** {@code group/kind} a CustomResourceDefinition manifest defines. */
    private static Optional<String> definedKind(Manifest crd) {
        if (!(crd.content().get("spec") instanceof Map<?, ?> spec) || !(spec.get("names") instanceof Map<?, ?> names)) {
            return Optional.empty();
        }
        Object group = spec.get("group");
        Object kind = names.get("kind");
        return group == null || kind == null ? Optional.empty() : Optional.of(group + "/" + kind);
    }

    /**
     * Waits until the named CRD has {@code Established=True}; empty when it has, else why not (for the custom
     * resource's failure). Gives up early on {@code NamesAccepted=False}, which no wait resolves.
     */
    Optional<String> awaitEstablished(String crdName) {
        long start = System.nanoTime();
        String last = "no conditions yet";
        while (true) {
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            CustomResourceDefinition crd;
            try {
                crd = client.apiextensions().v1().customResourceDefinitions().withName(crdName).get();
            } catch (KubernetesClientException e) {
                return Optional.of("its CustomResourceDefinition " + crdName + " could not be read to check that it is"
                        + " Established: " + reason(null, e));
            }
            if (crd == null) {
                return Optional.of("its CustomResourceDefinition " + crdName + " is gone from the cluster; apply it again");
            }
            List<CustomResourceDefinitionCondition> conditions = crd.getStatus() == null
                    || crd.getStatus().getConditions() == null ? List.of() : crd.getStatus().getConditions();
            Optional<CustomResourceDefinitionCondition> established = find(conditions, "Established");
            if (established.isPresent() && "True".equals(established.get().getStatus())) {
                return Optional.empty();
            }
            Optional<CustomResourceDefinitionCondition> names = find(conditions, "NamesAccepted");
            last = conditions.isEmpty() ? "no conditions yet" : conditions.stream()
                    .map(c -> c.getType() + "=" + c.getStatus() + (c.getReason() == null ? "" : " " + c.getReason())
                            + (c.getMessage() == null ? "" : ": " + c.getMessage()))
                    .collect(Collectors.joining("; "));
            boolean namesRefused = names.isPresent() && "False".equals(names.get().getStatus());
            if ((namesRefused && waited.compareTo(NAMES_SETTLED) >= 0) || waited.compareTo(establishedTimeout) >= 0) {
                return Optional.of("its CustomResourceDefinition " + crdName + " is not Established after "
                        + seconds(waited) + " (" + last + "), so the API server does not serve this kind;"
                        + (namesRefused ? " another CustomResourceDefinition of its group has these names: rename"
                                + " one of them and push again" : " check the CRD and the API server, then push again"));
            }
            try {
                Thread.sleep(ESTABLISHED_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("interrupted while waiting for its CustomResourceDefinition " + crdName
                        + " to be Established (" + last + ")");
            }
        }
    }

    /**
     * Waits, within the same time limit, until the API server's discovery lists {@code type}'s kind in its group
     * version: an API server serves a kind from its CRD's Established condition, but its discovery document (what
     * kubectl and controllers read) may follow a moment later. Empty once listed, else why not.
     */
    Optional<String> awaitDiscovered(String crdName, ResourceType type) {
        long start = System.nanoTime();
        String groupVersion = type.apiVersion();
        while (true) {
            try {
                APIResourceList resources = client.getApiResources(groupVersion);
                if (resources != null && resources.getResources() != null && resources.getResources().stream()
                        .anyMatch(r -> type.kind().equals(r.getKind()))) {
                    return Optional.empty();
                }
            } catch (KubernetesClientException e) {
                if (e.getCode() != 404) {
                    return Optional.of("the API server's discovery of " + groupVersion + " could not be read after its"
                            + " CustomResourceDefinition " + crdName + " became Established: " + reason(null, e));
                }
            }
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            if (waited.compareTo(establishedTimeout) >= 0) {
                return Optional.of("its CustomResourceDefinition " + crdName + " is Established, but the API server's"
                        + " discovery does not list " + type.kind() + " in " + groupVersion + " after " + seconds(waited)
                        + "; check that the CRD serves version " + type.version() + ", then push again");
            }
            try {
                Thread.sleep(ESTABLISHED_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("interrupted while waiting for " + type.kind() + " to appear in the API server's"
                        + " discovery of " + groupVersion);
            }
        }
    }

    private static Optional<CustomResourceDefinitionCondition> find(List<CustomResourceDefinitionCondition> conditions,
            String type) {
        return conditions.stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    static String seconds(Duration waited) {
        return String.format(java.util.Locale.ROOT, "%.1fs", waited.toMillis() / 1000.0);
    }

    ApplyResult report(DesiredState desired, StagesOutcome stages) {
        List<ObjectOutcome> outcomes = stages.outcomes();
        if (stages.refusedStage() != null) {
            return ApplyResult.refusedByDryRun(desired.target(), desired.commit(), desired.digest(), outcomes,
                    stages.refusedStage());
        }
        boolean failed = outcomes.stream().anyMatch(o -> o.outcome() == Outcome.FAILED);
        return failed ? ApplyResult.stopped(desired.target(), desired.commit(), desired.digest(), outcomes)
                : ApplyResult.succeeded(desired.target(), desired.commit(), desired.digest(), outcomes);
    }

    /**
     * The body to apply for {@code object}: {@link #applyBody}, without the fields an allowed writer holds in the live
     * object ({@link AllowedWriters}; none when it does not exist yet), so that a forced apply never takes them back.
     */
    private GenericKubernetesResource body(DesiredState desired, PlannedObject object, GenericKubernetesResource live) {
        Map<String, Object> body = applyBody(object.manifest(), desired.target());
        if (live != null) {
            @SuppressWarnings("unchecked")
            Map<String, Object> liveMap = client.getKubernetesSerialization().convertValue(live, Map.class);
            for (AllowedWriters.Writer writer : allowedWriters.holding(liveMap, Ownership.FIELD_MANAGER)) {
                if (AllowedWriters.omit(body, writer.field())) {
                    LOG.debugf("%s: %s: %s left out of the apply: it is %s's (an allowed writer)", desired.describe(),
                            object.ref(), writer.path(), writer.manager());
                }
            }
        }
        return client.getKubernetesSerialization().convertValue(body, GenericKubernetesResource.class);
    }

    private ObjectOutcome applyOne(DesiredState desired, PlannedObject object, GenericKubernetesResource body,
            GenericKubernetesResource before, Map<ObjectRef, String> uids, List<AppliedObject> state) {
        try {
            ServerSideApplicable<GenericKubernetesResource> apply = resource(object).resource(body)
                    .fieldManager(Ownership.FIELD_MANAGER);
            if (desired.policy().force()) apply = apply.forceConflicts();
            GenericKubernetesResource after = adopt(desired, object, apply.serverSideApply());
            uids.put(object.ref(), after.getMetadata().getUid());
            @SuppressWarnings("unchecked")
            Map<String, Object> stored = client.getKubernetesSerialization().convertValue(after, Map.class);
            state.add(ManagedFields.applied(object.ref(), stored));
            return new ObjectOutcome(object.ref(), classify(before, after), "");
        } catch (KubernetesClientException e) {
            return new ObjectOutcome(object.ref(), Outcome.FAILED, reason(object.ref(), e));
        } catch (RuntimeException e) {
            return new ObjectOutcome(object.ref(), Outcome.FAILED, "the client failed: " + e.getClass().getSimpleName()
                    + (isSecret(object.ref()) ? "" : ": " + e.getMessage()));
        }
    }

    /**
     * Takes over from kubectl's managers the fields Verity just applied, and removes the last-applied annotation
     * ({@link Adoption}); the object as it is then. When the patch fails (the object changed meanwhile, ...), the
     * object stays as applied, and the next apply tries again.
     */
    private GenericKubernetesResource adopt(DesiredState desired, PlannedObject object, GenericKubernetesResource applied) {
        @SuppressWarnings("unchecked")
        Map<String, Object> live = client.getKubernetesSerialization().convertValue(applied, Map.class);
        Optional<String> patch = adoption.patch(live, Ownership.FIELD_MANAGER);
        if (patch.isEmpty()) return applied;
        try {
            GenericKubernetesResource adopted = resource(object).withName(object.ref().name()).patch(
                    new PatchContext.Builder().withPatchType(PatchType.JSON).withFieldManager(Ownership.FIELD_MANAGER)
                            .build(), patch.get());
            LOG.infof("%s: %s adopted: the fields Verity applies are no longer owned by %s", desired.describe(),
                    object.ref(), String.join(", ", adoption.managers()));
            return adopted;
        } catch (KubernetesClientException e) {
            LOG.warnf("%s: %s was applied, but the fields Verity applies could not be taken over from %s (%s); the"
                    + " next apply tries again", desired.describe(), object.ref(), String.join(", ", adoption.managers()),
                    reason(object.ref(), e));
            return applied;
        }
    }

    /** The object as applied: the document without server-owned fields, carrying the target annotation and labels. */
    static Map<String, Object> applyBody(Manifest manifest, TargetKey target) {
        Map<String, Object> body = withoutNulls(manifest.mutableContent());
        body.remove("status");
        if ("v1".equals(body.get("apiVersion")) && "Secret".equals(body.get("kind"))) stringDataAsData(body);
        @SuppressWarnings("unchecked")
        Map<String, Object> metadata = (Map<String, Object>) body.get("metadata");
        for (String serverOwned : List.of("managedFields", "resourceVersion", "uid", "creationTimestamp",
                "generation", "selfLink")) {
            metadata.remove(serverOwned);
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> annotations = metadata.get("annotations") instanceof Map<?, ?> a
                ? (Map<String, Object>) a : new LinkedHashMap<>();
        annotations.put(Ownership.TARGET_ANNOTATION, target.toString());
        metadata.put("annotations", annotations);
        @SuppressWarnings("unchecked")
        Map<String, Object> labels = metadata.get("labels") instanceof Map<?, ?> l
                ? (Map<String, Object>) l : new LinkedHashMap<>();
        labels.putAll(Ownership.labels(target));
        metadata.put("labels", labels);
        return body;
    }

    /**
     * Moves a Secret's {@code stringData} into {@code data} (base64 of the UTF-8 bytes; a {@code stringData} key wins
     * over the same key of {@code data}, as the API server merges them) and removes {@code stringData}. The server
     * never returns {@code stringData}: a manager owning it would own fields that do not exist, so a key removed from
     * Git would stay in the cluster. A {@code stringData} that is not a map of strings is left for the server to refuse.
     */
    static void stringDataAsData(Map<String, Object> secret) {
        if (!(secret.get("stringData") instanceof Map<?, ?> stringData)
                || !stringData.values().stream().allMatch(String.class::isInstance)) {
            return;
        }
        Map<String, Object> data = new LinkedHashMap<>();
        if (secret.get("data") instanceof Map<?, ?> existing) {
            existing.forEach((k, v) -> data.put(String.valueOf(k), v));
        } else if (secret.get("data") != null) {
            return;
        }
        stringData.forEach((k, v) -> data.put(String.valueOf(k), java.util.Base64.getEncoder()
                .encodeToString(((String) v).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
        secret.remove("stringData");
        secret.put("data", data);
    }

    private Outcome classify(GenericKubernetesResource before, GenericKubernetesResource after) {
        if (before == null) return Outcome.CREATED;
        if (Objects.equals(before.getMetadata().getResourceVersion(), after.getMetadata().getResourceVersion())) {
            return Outcome.UNCHANGED;
        }
        return comparable(before).equals(comparable(after)) ? Outcome.UNCHANGED : Outcome.CONFIGURED;
    }

    /** The object without what changes on every write even when nothing else does. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> comparable(GenericKubernetesResource object) {
        Map<String, Object> map = client.getKubernetesSerialization().convertValue(object, Map.class);
        if (map.get("metadata") instanceof Map<?, ?> metadata) {
            ((Map<String, Object>) metadata).remove("resourceVersion");
            if (metadata.get("managedFields") instanceof List<?> fields) {
                fields.forEach(f -> {
                    if (f instanceof Map<?, ?> entry) ((Map<String, Object>) entry).remove("time");
                });
            }
        }
        return map;
    }

    private NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> resource(PlannedObject object) {
        return operation(client, object.type(), object.ref().namespace());
    }

    /** The objects of {@code type} (in {@code namespace} when the kind is namespaced), addressed without discovery. */
    public static NonNamespaceOperation<GenericKubernetesResource, GenericKubernetesResourceList,
            Resource<GenericKubernetesResource>> operation(KubernetesClient client, ResourceType type, String namespace) {
        ResourceDefinitionContext context = new ResourceDefinitionContext.Builder()
                .withGroup(type.group()).withVersion(type.version()).withKind(type.kind())
                .withPlural(type.plural()).withNamespaced(type.namespaced()).build();
        MixedOperation<GenericKubernetesResource, GenericKubernetesResourceList, Resource<GenericKubernetesResource>> op =
                client.genericKubernetesResources(context);
        return type.namespaced() ? op.inNamespace(namespace) : op;
    }

    /** The kind from the cluster's discovery API; empty when the cluster does not serve it. */
    private Optional<ResourceType> discover(String apiVersion, String kind) {
        return discover(client, apiVersion, kind);
    }

    /** The kind as {@code client}'s cluster serves it, from its discovery API; empty when it does not serve it. */
    public static Optional<ResourceType> discover(KubernetesClient client, String apiVersion, String kind) {
        APIResourceList resources;
        try {
            resources = client.getApiResources(apiVersion);
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) return Optional.empty();
            throw e;
        }
        if (resources == null || resources.getResources() == null) return Optional.empty();
        for (APIResource r : resources.getResources()) {
            if (kind.equals(r.getKind()) && r.getName() != null && !r.getName().contains("/")) {
                ResourceDefinitionContext c = ResourceDefinitionContext.fromApiResource(apiVersion, r);
                return Optional.of(new ResourceType(Manifest.groupOf(apiVersion), Manifest.versionOf(apiVersion),
                        kind, c.getPlural(), c.isNamespaceScoped()));
            }
        }
        return Optional.empty();
    }

    /**
     * What the API server said, with a hint of what to do. For Secrets only the status code, reason and field
     * names: the server's message may quote the value it rejected.
     */
    static String reason(ObjectRef ref, KubernetesClientException e) {
        int code = e.getCode();
        if (code <= 0) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            return "the API server could not be reached (" + root.getClass().getSimpleName()
                    + (root.getMessage() == null ? "" : ": " + root.getMessage()) + "); check the applier's"
                    + " kubeconfig and the cluster";
        }
        Status status = e.getStatus();
        StringBuilder out = new StringBuilder("the API server answered ").append(code);
        if (status != null && status.getReason() != null && !status.getReason().isBlank()) {
            out.append(' ').append(status.getReason());
        }
        if (ref != null && isSecret(ref)) {
            List<String> fields = status == null || status.getDetails() == null || status.getDetails().getCauses() == null
                    ? List.of()
                    : status.getDetails().getCauses().stream().map(StatusCause::getField).filter(Objects::nonNull)
                            .toList();
            if (!fields.isEmpty()) out.append(" on fields ").append(String.join(", ", fields));
            out.append(" (the message is withheld: it may quote Secret data)");
        } else {
            String message = status != null && status.getMessage() != null ? status.getMessage() : e.getMessage();
            out.append(": ").append(message);
        }
        out.append(hint(code, status));
        return out.toString();
    }

    private static String hint(int code, Status status) {
        boolean managerConflict = status != null && status.getDetails() != null && status.getDetails().getCauses() != null
                && status.getDetails().getCauses().stream().anyMatch(c -> "FieldManagerConflict".equals(c.getReason()));
        return switch (code) {
            case 409 -> managerConflict ? "; another field manager owns these fields: set force: true in the target's"
                    + " policy, or remove the fields from the other manager"
                    : "; the object changed while Verity applied it (optimistic-lock conflict), Verity applies it again";
            case 401, 403 -> "; the applier's credentials may not write this object: grant them access";
            case 404 -> "; its namespace or kind may not exist in the cluster: add it to the target";
            case 422, 400 -> "; fix the object in the overlay and push again";
            default -> "";
        };
    }

    static boolean isSecret(ObjectRef ref) {
        return "Secret".equals(ref.kind()) && "v1".equals(ref.apiVersion());
    }

    @SuppressWarnings("unchecked")
    private static <T> T withoutNulls(T value) {
        if (value instanceof Map<?, ?> map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            map.forEach((k, v) -> {
                if (v != null) copy.put(String.valueOf(k), withoutNulls(v));
            });
            return (T) copy;
        }
        if (value instanceof List<?> list) {
            return (T) list.stream().map(Applier::withoutNulls).collect(Collectors.toCollection(ArrayList::new));
        }
        return value;
    }
}
