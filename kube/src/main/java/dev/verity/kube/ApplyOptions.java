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
 */
public record ApplyOptions(Duration establishedTimeout, String inventoryNamespace, Duration recreateTimeout,
        List<String> adoptedManagers) {

    /**
     * The defaults: 30 s for a CRD, inventories in {@code verity-system}, 60 s for a recreated object to be gone,
     * kubectl's managers adopted.
     */
    public static final ApplyOptions DEFAULT = new ApplyOptions(Applier.DEFAULT_ESTABLISHED_TIMEOUT,
            InventoryStore.DEFAULT_NAMESPACE, Duration.ofSeconds(60), Adoption.DEFAULT_MANAGERS);

    public ApplyOptions {
        Objects.requireNonNull(establishedTimeout, "establishedTimeout");
        Objects.requireNonNull(inventoryNamespace, "inventoryNamespace");
        Objects.requireNonNull(recreateTimeout, "recreateTimeout");
        adoptedManagers = List.copyOf(adoptedManagers);
        if (establishedTimeout.isNegative()) {
            throw new IllegalArgumentException("establishedTimeout must not be negative, got " + establishedTimeout);
        }
        if (recreateTimeout.isNegative()) {
            throw new IllegalArgumentException("recreateTimeout must not be negative, got " + recreateTimeout);
        }
    }

    public ApplyOptions withEstablishedTimeout(Duration timeout) {
        return new ApplyOptions(timeout, inventoryNamespace, recreateTimeout, adoptedManagers);
    }

    public ApplyOptions withInventoryNamespace(String namespace) {
        return new ApplyOptions(establishedTimeout, namespace, recreateTimeout, adoptedManagers);
    }

    public ApplyOptions withRecreateTimeout(Duration timeout) {
        return new ApplyOptions(establishedTimeout, inventoryNamespace, timeout, adoptedManagers);
    }

    public ApplyOptions withAdoptedManagers(List<String> managers) {
        return new ApplyOptions(establishedTimeout, inventoryNamespace, recreateTimeout, managers);
    }
}
