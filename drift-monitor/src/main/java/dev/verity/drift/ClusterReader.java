package dev.verity.drift;

import dev.verity.drift.core.Observation;
import dev.verity.events.ObjectRef;
import dev.verity.events.TargetKey;
import dev.verity.kube.Inventory;
import dev.verity.kube.InventoryStore;
import dev.verity.kube.AllowedWriters;
import dev.verity.kube.Kubeconfig;
import dev.verity.kube.Ownership;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ExceptionHandler;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The drift monitor's only access to the cluster, read-only by construction (list, watch, get): one shared informer
 * per resource type in use, selected by the label {@code app.kubernetes.io/managed-by: verity} that the applier puts
 * on every object, and a GET only to confirm that an object missing from an informer's cache is really gone (its
 * label may have been removed by hand). Comparisons and resyncs read the informers' caches, so the number of API
 * requests while idle does not grow with the number of objects.
 *
 * <p>Watches the server closes are resumed from the last resourceVersion, and a 410 Gone relists, by the fabric8
 * informer itself; a relist reports only what changed (add, update, delete against the cache), so nothing is missed
 * or doubled. Every request is counted by what it is ({@link ApiRequests}): lists, relists, watches, watch restarts
 * and gets, in {@code verity_drift_api_requests_total}. It does not decide what is drift, and does not see objects
 * without the label.
 */
@Startup
@ApplicationScoped
public class ClusterReader {

    private static final Logger LOG = Logger.getLogger(ClusterReader.class);
    static final String MANAGED_BY = "app.kubernetes.io/managed-by";
    static final String TARGET_ANNOTATION = "verity.dev/target";
    /**
     * The {@code User-Agent} of every request the monitor makes (with its own kubeconfig or Quarkus's), so that an API server's audit
     * log (and the sandbox's request log, which the drift benchmark counts) tells its requests from other clients'.
     */
    public static final String USER_AGENT = "verity-drift-monitor";

    /** A resource type, as objects name it. */
    record ResourceType(String apiVersion, String kind) {
        static ResourceType of(ObjectRef ref) {
            return new ResourceType(ref.apiVersion(), ref.kind());
        }

        @Override
        public String toString() {
            return kind + "." + apiVersion;
        }
    }

    /** One object of an informer's cache, as the drift tracker needs it. */
    record Cached(ObjectRef ref, String targetAnnotation, Observation observation) {
    }

    @Inject
    DriftConfig config;

    @Inject
    Instance<Config> quarkusConfig;

    @Inject
    DriftMetrics metrics;

    /** Whose writes are not someone else's change ({@code verity.allowed-writers}, as the comparator reads it). */
    @ConfigProperty(name = "verity.allowed-writers", defaultValue = AllowedWriters.DEFAULT_CONFIG)
    String allowedWriters;

    private AllowedWriters writers = AllowedWriters.DEFAULT;

    private KubernetesClient client;
    private final Map<ResourceType, SharedIndexInformer<GenericKubernetesResource>> informers = new ConcurrentHashMap<>();
    private volatile SharedIndexInformer<ConfigMap> inventories;
    /** why an informer could not be started, by type (retried at the next {@link #inform}) */
    private final Map<ResourceType, String> failed = new ConcurrentHashMap<>();

    @PostConstruct
    void connect() {
        Config clientConfig = config.kubeconfig()
                .map(path -> Kubeconfig.load(path, "verity.drift.kubeconfig")).orElseGet(quarkusConfig::get);
        clientConfig.setUserAgent(USER_AGENT);
        ApiRequests requests = new ApiRequests(metrics::request);
        client = new KubernetesClientBuilder().withConfig(clientConfig)
                .withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor(ApiRequests.NAME, requests))
                .build();
        writers = AllowedWriters.parse(allowedWriters);
        LOG.infof("reading cluster at %s (read-only)", client.getMasterUrl());
    }

    @PreDestroy
    void close() {
        informers.values().forEach(SharedIndexInformer::stop);
        if (inventories != null) inventories.stop();
        client.close();
    }

    /**
     * Keeps one informer per type in {@code types}, starting missing ones; an informer runs until the monitor stops
     * (a type that leaves every target for a while, during a rollout, would otherwise be relisted when it returns).
     * {@code onChange} hears every object an informer adds, updates or deletes (on the informer's thread), including
     * the objects of its initial list; {@code onSynced} hears that an informer's cache is complete (then the objects
     * its list did not hold can be told absent). An informer whose initial list fails (forbidden, unknown type, an
     * unreachable server) keeps retrying; until it lists, {@link #read} says why its objects cannot be read.
     */
    public void inform(Set<ResourceType> types, Consumer<ObjectRef> onChange, Consumer<ResourceType> onSynced) {
        for (ResourceType type : types) {
            if (informers.containsKey(type)) continue;
            try {
                SharedIndexInformer<GenericKubernetesResource> informer = client
                        .genericKubernetesResources(type.apiVersion(), type.kind()).inAnyNamespace()
                        .withLabel(MANAGED_BY, "verity").runnableInformer(0);
                informer.addEventHandler(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(GenericKubernetesResource obj) {
                        onChange.accept(refOf(obj));
                    }

                    @Override
                    public void onUpdate(GenericKubernetesResource oldObj, GenericKubernetesResource newObj) {
                        onChange.accept(refOf(newObj));
                    }

                    @Override
                    public void onDelete(GenericKubernetesResource obj, boolean deletedFinalStateUnknown) {
                        onChange.accept(refOf(obj));
                    }
                });
                informer.exceptionHandler((started, error) -> {
                    if (!started) {
                        failed.put(type, reason(error));
                        onSynced.accept(type); // its objects are unknown now, not merely unchanged
                    }
                    LOG.warnf("informer of %s in cluster %s: %s; retrying", type, config.cluster(), error.getMessage());
                    return !ExceptionHandler.isDeserializationException(error);
                });
                informers.put(type, informer);
                failed.remove(type);
                informer.start().whenComplete((ok, error) -> {
                    if (error != null) {
                        LOG.warnf("informer of %s in cluster %s stopped: %s", type, config.cluster(), error.getMessage());
                        return;
                    }
                    failed.remove(type);
                    LOG.infof("informing on %s in cluster %s (label %s=verity)", type, config.cluster(), MANAGED_BY);
                    onSynced.accept(type);
                });
            } catch (RuntimeException e) {
                failed.put(type, reason(e));
                LOG.warnf("cannot inform on %s in cluster %s (retrying at the next resync in %s): %s", type,
                        config.cluster(), config.resync(), e.getMessage());
            }
        }
    }

    /** What an applier's inventory ConfigMap says: the target, the commit it was written for, its objects. */
    record InventoryRecord(TargetKey target, String commit, Set<ObjectRef> objects) {
    }

    /**
     * Informs on the appliers' inventory ConfigMaps in {@code namespace} (label
     * {@value InventoryStore#INVENTORY_LABEL}): {@code onInventory} hears each inventory as it is listed, written or
     * deleted (then with no objects). One that cannot be read is logged and ignored (the applier rewrites it at its
     * next apply). Started once.
     */
    public void informInventories(String namespace, Consumer<InventoryRecord> onInventory) {
        if (inventories != null) return;
        try {
            inventories = client.configMaps().inNamespace(namespace).withLabel(InventoryStore.INVENTORY_LABEL)
                    .runnableInformer(0);
            inventories.addEventHandler(new ResourceEventHandler<>() {
                @Override
                public void onAdd(ConfigMap obj) {
                    read(obj, false);
                }

                @Override
                public void onUpdate(ConfigMap oldObj, ConfigMap newObj) {
                    read(newObj, false);
                }

                @Override
                public void onDelete(ConfigMap obj, boolean deletedFinalStateUnknown) {
                    read(obj, true);
                }

                private void read(ConfigMap stored, boolean deleted) {
                    InventoryRecord record = inventoryOf(stored, deleted);
                    if (record != null) onInventory.accept(record);
                }
            });
            inventories.start();
            LOG.infof("reading the appliers' inventories in namespace %s of cluster %s", namespace, config.cluster());
        } catch (RuntimeException e) {
            inventories = null;
            LOG.warnf("cannot read the appliers' inventories in namespace %s of cluster %s (retrying at the next resync):"
                    + " %s", namespace, config.cluster(), e.getMessage());
        }
    }

    /** What an inventory ConfigMap says; null when it is another cluster's or cannot be read (logged). */
    private InventoryRecord inventoryOf(ConfigMap stored, boolean deleted) {
        String annotation = stored.getMetadata().getAnnotations() == null ? null
                : stored.getMetadata().getAnnotations().get(TARGET_ANNOTATION);
        String json = stored.getData() == null ? null : stored.getData().get(InventoryStore.DATA_KEY);
        try {
            TargetKey target = TargetKey.parse(annotation);
            if (!target.cluster().equals(config.cluster())) return null;
            if (deleted || json == null) return new InventoryRecord(target, null, Set.of());
            Inventory inventory = Inventory.fromJson(target, json, stored.getMetadata().getResourceVersion());
            Set<ObjectRef> objects = new java.util.LinkedHashSet<>();
            inventory.entries().forEach(e -> objects.add(e.ref()));
            return new InventoryRecord(target, inventory.commit(), objects);
        } catch (RuntimeException e) {
            LOG.warnf("inventory ConfigMap %s/%s in cluster %s cannot be read, ignored: %s",
                    stored.getMetadata().getNamespace(), stored.getMetadata().getName(), config.cluster(), e.getMessage());
            return null;
        }
    }

    /**
     * The applier's inventory of {@code target} as the API server holds it now (one GET), not as the informer's cache
     * does: read when an object of the target is found gone, since the applier records the inventory of a new commit
     * before it applies (and prunes), but that watch event may reach the monitor after the deletion's. Null when it
     * cannot be read; no objects when there is none.
     */
    public InventoryRecord readInventory(TargetKey target) {
        try {
            ConfigMap stored = client.configMaps().inNamespace(config.inventoryNamespace())
                    .withName(InventoryStore.configMapName(target)).get();
            return stored == null ? new InventoryRecord(target, null, Set.of()) : inventoryOf(stored, false);
        } catch (RuntimeException e) {
            LOG.warnf("cannot read the inventory of %s in cluster %s: %s", target, config.cluster(), reason(e));
            return null;
        }
    }

    /** The number of informers running, for tests and logs. */
    int informerCount() {
        return informers.size();
    }

    /**
     * The object as the informer's cache holds it; null while the informer of its type has not listed yet (its
     * initial list will tell). An object missing from a synced cache is confirmed with one GET (absent, or present
     * without the label); a type whose informer could not start is {@link Observation.Unreadable}.
     */
    public Cached read(ObjectRef ref) {
        ResourceType type = ResourceType.of(ref);
        SharedIndexInformer<GenericKubernetesResource> informer = informers.get(type);
        String failure = failed.get(type);
        if (failure != null && (informer == null || !informer.hasSynced())) {
            return new Cached(ref, null, Observation.unreadable(failure));
        }
        if (informer == null || !informer.hasSynced()) return null;
        String key = ref.namespace() == null ? ref.name() : ref.namespace() + "/" + ref.name();
        GenericKubernetesResource cached = informer.getStore().getByKey(key);
        if (cached != null) return cached(cached);
        return get(ref);
    }

    /**
     * The object as the API server holds it now (one GET), not as its informer's cache does: for the objects a new
     * desired or applied state names, since that state may reach the monitor through Kafka before the watch event
     * of the apply reaches the cache, and a stale cached object would be reported as drift for a moment.
     */
    public Cached readLive(ObjectRef ref) {
        return get(ref);
    }

    /** One GET of the object; a cluster-scoped object (no namespace) is read without one. */
    private Cached get(ObjectRef ref) {
        try {
            var resources = client.genericKubernetesResources(ref.apiVersion(), ref.kind());
            GenericKubernetesResource live = (ref.namespace() == null ? resources.withName(ref.name())
                    : resources.inNamespace(ref.namespace()).withName(ref.name())).get();
            return live == null ? new Cached(ref, null, Observation.absent()) : cached(live);
        } catch (RuntimeException e) {
            return new Cached(ref, null, Observation.unreadable(reason(e)));
        }
    }

    /**
     * The objects in the synced informers' caches, by reference only: what a resync compares, each then read from its
     * cache ({@link #read}) a batch at a time, without a request.
     */
    public List<ObjectRef> cachedRefs() {
        List<ObjectRef> refs = new ArrayList<>();
        informers.values().forEach(informer -> {
            if (informer.hasSynced()) informer.getStore().list().forEach(o -> refs.add(refOf(o)));
        });
        return refs;
    }

    /**
     * The object as the informer holds it, with the target its annotation names; an applier's inventory ConfigMap
     * (label {@value InventoryStore#INVENTORY_LABEL}) names its target too, but is Verity's own record, never a
     * target's object, so it claims none.
     */
    private Cached cached(GenericKubernetesResource object) {
        boolean inventory = object.getMetadata().getLabels() != null
                && object.getMetadata().getLabels().containsKey(InventoryStore.INVENTORY_LABEL);
        String annotation = inventory || object.getMetadata().getAnnotations() == null ? null
                : object.getMetadata().getAnnotations().get(TARGET_ANNOTATION);
        return new Cached(refOf(object), annotation, Observation.present(
                client.getKubernetesSerialization().asJson(object), object.getMetadata().getResourceVersion(),
                lastWrite(object), ownApply(object, writers)));
    }

    private static ObjectRef refOf(GenericKubernetesResource object) {
        return new ObjectRef(object.getApiVersion(), object.getKind(), object.getMetadata().getNamespace(),
                object.getMetadata().getName());
    }

    /** The latest {@code time} in the object's managedFields: when it was last written (whole seconds), or null. */
    static Instant lastWrite(HasMetadata live) {
        if (live.getMetadata() == null || live.getMetadata().getManagedFields() == null) return null;
        Instant latest = null;
        for (ManagedFieldsEntry entry : live.getMetadata().getManagedFields()) {
            if (entry.getTime() == null) continue;
            try {
                Instant time = Instant.parse(entry.getTime());
                if (latest == null || time.isAfter(latest)) latest = time;
            } catch (DateTimeParseException notATime) {
                // a time this reader cannot parse tells nothing
            }
        }
        return latest;
    }

    /**
     * Managers whose writes to the main resource follow Verity's own apply without being a change behind its back:
     * the cluster's controllers (the Deployment controller writes its revision annotation right after a new template).
     */
    static final Set<String> CONTROLLERS = Set.of("kube-controller-manager");

    /**
     * The time (whole seconds) of Verity's own server-side apply ({@value Ownership#FIELD_MANAGER}, operation
     * {@code Apply}, main resource) in the object's managedFields, when no other manager wrote it at the same second
     * or later; null when there is no such entry, someone else did (a person's {@code kubectl edit} or
     * {@code kubectl scale}, another tool) or a time cannot be read. Writes to the {@code status} subresource, by an
     * allowed writer (its fields are never drift) or by the cluster's {@link #CONTROLLERS} do not count.
     */
    static Instant ownApply(HasMetadata live, AllowedWriters allowed) {
        if (live.getMetadata() == null || live.getMetadata().getManagedFields() == null) return null;
        List<ManagedFieldsEntry> entries = live.getMetadata().getManagedFields();
        Instant own = null;
        for (ManagedFieldsEntry entry : entries) {
            if (Ownership.FIELD_MANAGER.equals(entry.getManager()) && "Apply".equals(entry.getOperation())
                    && subresource(entry) == null) {
                own = time(entry);
                if (own == null) return null;
            }
        }
        if (own == null) return null;
        for (ManagedFieldsEntry entry : entries) {
            String manager = entry.getManager();
            String subresource = subresource(entry);
            if (Ownership.FIELD_MANAGER.equals(manager) || "status".equals(subresource)
                    || (subresource == null && CONTROLLERS.contains(manager))
                    || allowed.writers().stream().anyMatch(w -> w.manager().equals(manager)
                    && Objects.equals(w.subresource(), subresource))) {
                continue;
            }
            Instant time = time(entry);
            if (time == null || !time.isBefore(own)) return null; // someone else wrote at the same second or later
        }
        return own;
    }

    private static String subresource(ManagedFieldsEntry entry) {
        return entry.getSubresource() == null || entry.getSubresource().isEmpty() ? null : entry.getSubresource();
    }

    private static Instant time(ManagedFieldsEntry entry) {
        if (entry.getTime() == null) return null;
        try {
            return Instant.parse(entry.getTime());
        } catch (DateTimeParseException notATime) {
            return null;
        }
    }

    /** What a failed request says about itself, for {@code DriftUnknown}: the status code and message, no content. */
    static String reason(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof KubernetesClientException k && k.getCode() > 0) {
                String message = k.getStatus() != null && k.getStatus().getMessage() != null ? k.getStatus().getMessage()
                        : k.getMessage();
                return k.getCode() + " " + message;
            }
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
