package dev.verity.kube;

import dev.verity.events.TargetKey;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;

import java.util.Map;
import java.util.Objects;

/**
 * Keeps each target's {@link Inventory} in the cluster it describes: one ConfigMap per target,
 * {@code verity-inventory-<target hash>} in a namespace of Verity's own ({@value #DEFAULT_NAMESPACE} unless
 * configured, created when missing), labelled {@value Ownership#MANAGED_BY_LABEL}{@code =verity} and
 * {@value #INVENTORY_LABEL}{@code =<target hash>} (not {@value Ownership#TARGET_HASH_LABEL}: it is not one of the
 * target's objects) and annotated with its target, the inventory as JSON under {@value #DATA_KEY}. In the cluster, so that it survives restarts and every applier replica reads the same;
 * a ConfigMap, because every cluster has them and RBAC can grant exactly this namespace.
 *
 * <p>Writes are fenced by the ConfigMap's {@code resourceVersion}: a write succeeds only over the version read, so
 * two appliers can never both act on one target; the loser gets {@link FencedException}. A ConfigMap holds up to
 * 1 MiB, some 5,000 objects per target.
 */
public final class InventoryStore {

    public static final String DEFAULT_NAMESPACE = "verity-system";
    public static final String DATA_KEY = "inventory.json";
    static final String NAME_PREFIX = "verity-inventory-";
    /** Labels an inventory ConfigMap with the hash of the target it describes. */
    public static final String INVENTORY_LABEL = "verity.dev/inventory-of";

    private final KubernetesClient client;
    private final String namespace;
    private volatile boolean namespaceSeen;

    public InventoryStore(KubernetesClient client, String namespace) {
        this.client = Objects.requireNonNull(client, "client");
        this.namespace = Objects.requireNonNull(namespace, "namespace");
    }

    public String namespace() {
        return namespace;
    }

    public static String configMapName(TargetKey target) {
        return NAME_PREFIX + Ownership.targetHash(target);
    }

    /**
     * The stored inventory of {@code target}; an empty one (no resourceVersion) when none is stored.
     *
     * @throws KubernetesClientException when the cluster cannot be read
     * @throws IllegalArgumentException  when the stored ConfigMap is not an inventory of this target
     */
    public Inventory read(TargetKey target) {
        ConfigMap stored = client.configMaps().inNamespace(namespace).withName(configMapName(target)).get();
        if (stored == null) return Inventory.empty(target);
        String json = stored.getData() == null ? null : stored.getData().get(DATA_KEY);
        if (json == null) {
            throw new IllegalArgumentException("ConfigMap " + namespace + "/" + configMapName(target) + " has no "
                    + DATA_KEY + "; it is not a Verity inventory: delete or rename it");
        }
        return Inventory.fromJson(target, json, stored.getMetadata().getResourceVersion());
    }

    /**
     * Stores {@code next} over the version it was read as ({@link Inventory#resourceVersion()}; null: none stored).
     *
     * @return {@code next} as stored, with its new resourceVersion
     * @throws FencedException           when another writer stored the inventory since it was read
     * @throws KubernetesClientException when the cluster refuses the write for another reason
     */
    public Inventory write(Inventory next) {
        ensureNamespace();
        ConfigMap configMap = new ConfigMapBuilder()
                .withNewMetadata()
                    .withName(configMapName(next.target()))
                    .withNamespace(namespace)
                    .withResourceVersion(next.resourceVersion())
                    .withLabels(Map.of(Ownership.MANAGED_BY_LABEL, Ownership.MANAGED_BY,
                            INVENTORY_LABEL, Ownership.targetHash(next.target())))
                    .withAnnotations(Map.of(Ownership.TARGET_ANNOTATION, next.target().toString()))
                .endMetadata()
                .withData(Map.of(DATA_KEY, next.toJson()))
                .build();
        try {
            ConfigMap stored = next.resourceVersion() == null
                    ? client.configMaps().inNamespace(namespace).resource(configMap).create()
                    : client.configMaps().inNamespace(namespace).resource(configMap).update();
            return next.storedAs(stored.getMetadata().getResourceVersion());
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409 || (e.getCode() == 404 && next.resourceVersion() != null)) {
                throw new FencedException(next.target() + ": the inventory ConfigMap " + namespace + "/"
                        + configMapName(next.target()) + " was written by someone else since this applier read it"
                        + " (another applier replica for this cluster?); this apply stops, and the next one starts"
                        + " from what is stored now", e);
            }
            throw e;
        }
    }

    /**
     * Forgets the inventory of {@code target} (the target left Git), if it is still the version read.
     *
     * @throws FencedException when another writer stored it since
     */
    public void delete(Inventory inventory) {
        if (inventory.resourceVersion() == null) return;
        try {
            client.configMaps().inNamespace(namespace).withName(configMapName(inventory.target()))
                    .lockResourceVersion(inventory.resourceVersion()).delete();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
                throw new FencedException(inventory.target() + ": the inventory changed since it was read; not deleted", e);
            }
            if (e.getCode() != 404) throw e;
        }
    }

    private void ensureNamespace() {
        if (namespaceSeen) return;
        if (client.namespaces().withName(namespace).get() == null) {
            try {
                client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(namespace)
                        .withLabels(Map.of(Ownership.MANAGED_BY_LABEL, Ownership.MANAGED_BY)).endMetadata().build())
                        .create();
            } catch (KubernetesClientException e) {
                if (e.getCode() != 409) throw e;
            }
        }
        namespaceSeen = true;
    }

    /** Another writer stored the inventory since it was read: this applier must not act on the target now. */
    public static final class FencedException extends RuntimeException {
        FencedException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
