package dev.verity.drift;

import dev.verity.kube.AllowedWriters;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntryBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Which managedFields make a write Verity's own apply ({@link ClusterReader#ownApply}), and which someone else's. */
class OwnApplyTest {

    static final String T0 = "2026-12-05T10:00:00Z";
    static final String T1 = "2026-12-05T10:00:01Z";

    static ManagedFieldsEntry entry(String manager, String operation, String subresource, String time) {
        return new ManagedFieldsEntryBuilder().withManager(manager).withOperation(operation)
                .withSubresource(subresource).withTime(time).withFieldsType("FieldsV1").build();
    }

    static Deployment with(ManagedFieldsEntry... entries) {
        return new DeploymentBuilder().withNewMetadata().withName("web").withNamespace("shop-prod")
                .withManagedFields(List.of(entries)).endMetadata().build();
    }

    static Instant own(ManagedFieldsEntry... entries) {
        return ClusterReader.ownApply(with(entries), AllowedWriters.DEFAULT);
    }

    @Test
    void verityApplyFollowedOnlyByControllersStatusAndAllowedWritersIsOwn() {
        assertThat(own(entry("verity", "Apply", null, T1))).isEqualTo(Instant.parse(T1));
        assertThat(own(entry("kubectl-edit", "Update", null, T0), entry("verity", "Apply", null, T1),
                entry("kube-controller-manager", "Update", null, T1),
                entry("kube-controller-manager", "Update", "status", T1),
                entry("kube-controller-manager", "Update", "scale", T1)))
                .as("an older edit, the revision annotation, status, the HPA").isEqualTo(Instant.parse(T1));
    }

    @Test
    void someoneElsesWriteAtTheSameSecondOrLaterIsNotOwn() {
        assertThat(own(entry("verity", "Apply", null, T0), entry("kubectl-edit", "Update", null, T1))).isNull();
        assertThat(own(entry("verity", "Apply", null, T0), entry("kubectl-edit", "Update", null, T0)))
                .as("the same second: maybe after").isNull();
        assertThat(own(entry("verity", "Apply", null, T0), entry("kubectl", "Update", "scale", T1)))
                .as("kubectl scale").isNull();
        assertThat(own(entry("verity", "Apply", null, T0), entry("helm", "Apply", null, T1))).isNull();
        assertThat(own(entry("verity", "Apply", null, T0), entry("kubectl-edit", "Update", null, null)))
                .as("a write of unknown time").isNull();
    }

    @Test
    void withoutVerityApplyThereIsNoOwnWrite() {
        assertThat(own()).isNull();
        assertThat(own(entry("verity", "Update", null, T1))).as("an adoption patch, not an apply").isNull();
        assertThat(own(entry("verity", "Apply", "status", T1))).isNull();
        assertThat(ClusterReader.ownApply(new DeploymentBuilder().withNewMetadata().withName("web").endMetadata()
                .build(), AllowedWriters.DEFAULT)).isNull();
    }
}
