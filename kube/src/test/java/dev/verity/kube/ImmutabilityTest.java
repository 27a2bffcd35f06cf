package dev.verity.kube;

import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ImmutabilityTest {

    static KubernetesClientException refusal(int code, String message, String field, String causeMessage) {
        StatusBuilder status = new StatusBuilder().withCode(code).withReason("Invalid").withMessage(message);
        if (field != null) status.withNewDetails().addNewCause().withField(field).withMessage(causeMessage).endCause().endDetails();
        Status built = status.build();
        return new KubernetesClientException(built);
    }

    @Test
    void immutableFieldsAreNamedAsTheServerNamesThem() {
        assertThat(Immutability.fields(refusal(422, "Deployment.apps \"web\" is invalid: spec.selector: Invalid value:"
                + " ...: field is immutable", "spec.selector", "Invalid value: ...: field is immutable")))
                .containsExactly("spec.selector");
        assertThat(Immutability.fields(refusal(422, "StatefulSet.apps \"db\" is invalid: spec: Forbidden: updates to"
                + " statefulset spec for fields other than 'replicas' ... are forbidden", "spec",
                "Forbidden: updates to statefulset spec for fields other than 'replicas' ... are forbidden")))
                .containsExactly("spec");
        assertThat(Immutability.fields(refusal(422, "webhook: field is immutable", null, null))).containsExactly("a field");
    }

    @Test
    void otherRefusalsAreNotAboutImmutability() {
        assertThat(Immutability.fields(refusal(422, "x is invalid: spec.replicas: Invalid value: -1: must be greater"
                + " than or equal to 0", "spec.replicas", "Invalid value: -1: must be greater than or equal to 0"))).isEmpty();
        assertThat(Immutability.fields(refusal(409, "field is immutable", null, null))).isEmpty();
    }

    @Test
    void volumesNamespacesAndDefinitionsAreNeverRecreated() {
        assertThat(Immutability.recreatable("Deployment")).isTrue();
        assertThat(Immutability.recreatable("PersistentVolumeClaim")).isFalse();
        assertThat(Immutability.recreatable("Namespace")).isFalse();
        assertThat(Immutability.recreatable("CustomResourceDefinition")).isFalse();
    }
}
