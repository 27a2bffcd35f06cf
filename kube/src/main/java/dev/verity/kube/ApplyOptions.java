package dev.verity.kube;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How an {@link Applier} applies, beyond the target's policy.
 *
 * @param establishedTimeout how long a custom resource waits for the CRD this apply wrote to be Established
 * @param inventoryNamespace where the targets' inventories are kept ({@link InventoryStore})
 * @param recreateTimeout    how long an object deleted to be recreated (an immutable field changed, {@code recreate:
 *                           true}) may take to be gone before the target fails
 * @param adoptedManagers    the field managers whose ownership of the fields Verity applies is taken over
 *                           ({@link Adoption}); default {@link Adoption#DEFAULT_MANAGERS}
 * @param allowedWriters     whose fields Verity leaves out of its apply when they hold them ({@link AllowedWriters});
 *                           default {@link AllowedWriters#DEFAULT}
 */
public record ApplyOptions(Duration establishedTimeout, String inventoryNamespace, Duration recreateTimeout,
        List<String> adoptedManagers, AllowedWriters allowedWriters) {

    /**
     * The defaults: 30 s for a CRD, inventories in {@code verity-system}, 60 s for a recreated object to be gone,
     * kubectl's managers adopted, the HPA's replicas left alone.
     */
    public static final ApplyOptions DEFAULT = new ApplyOptions(Applier.DEFAULT_ESTABLISHED_TIMEOUT,
            InventoryStore.DEFAULT_NAMESPACE, Duration.ofSeconds(60), Adoption.DEFAULT_MANAGERS, AllowedWriters.DEFAULT);

    public ApplyOptions {
        Objects.requireNonNull(establishedTimeout, "establishedTimeout");
        Objects.requireNonNull(inventoryNamespace, "inventoryNamespace");
        Objects.requireNonNull(recreateTimeout, "recreateTimeout");
        adoptedManagers = List.copyOf(adoptedManagers);
        Objects.requireNonNull(allowedWriters, "allowedWriters");
        if (establishedTimeout.isNegative()) {
            throw new IllegalArgumentException("establishedTimeout must not be negative, got " + establishedTimeout);
        }
        if (recreateTimeout.isNegative()) {
            throw new IllegalArgumentException("recreateTimeout must not be negative, got " + recreateTimeout);
        }
    }

    public ApplyOptions withEstablishedTimeout(Duration timeout) {
        return new ApplyOptions(timeout, inventoryNamespace, recreateTimeout, adoptedManagers, allowedWriters);
    }

    public ApplyOptions withInventoryNamespace(String namespace) {
        return new ApplyOptions(establishedTimeout, namespace, recreateTimeout, adoptedManagers, allowedWriters);
    }

    public ApplyOptions withRecreateTimeout(Duration timeout) {
        return new ApplyOptions(establishedTimeout, inventoryNamespace, timeout, adoptedManagers, allowedWriters);
    }

    public ApplyOptions withAllowedWriters(AllowedWriters writers) {
        return new ApplyOptions(establishedTimeout, inventoryNamespace, recreateTimeout, adoptedManagers, writers);
    }

    public ApplyOptions withAdoptedManagers(List<String> managers) {
        return new ApplyOptions(establishedTimeout, inventoryNamespace, recreateTimeout, managers, allowedWriters);
    }
}
