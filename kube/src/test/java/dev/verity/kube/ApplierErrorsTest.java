package dev.verity.kube;

import dev.verity.events.ObjectRef;
import io.fabric8.kubernetes.api.model.Status;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThat;

class ApplierErrorsTest {

    static final Status INVALID = new StatusBuilder().withCode(422).withReason("Invalid")
            .withMessage("Secret \"db\" is invalid: data[password]: Invalid value: \"hunter2\": must be base64")
            .withNewDetails().addNewCause().withField("data[password]").endCause().endDetails().build();

    @Test
    void theServersMessageIsGivenWithAHint() {
        String reason = Applier.reason(new ObjectRef("v1", "ConfigMap", "s", "c"), new KubernetesClientException(INVALID));

        assertThat(reason).isEqualTo("the API server answered 422 Invalid: " + INVALID.getMessage()
                + "; fix the object in the overlay and push again");
    }

    @Test
    void forASecretOnlyTheCodeReasonAndFieldsAreGiven() {
        String reason = Applier.reason(new ObjectRef("v1", "Secret", "s", "db"), new KubernetesClientException(INVALID));

        assertThat(reason).doesNotContain("hunter2").isEqualTo("the API server answered 422 Invalid on fields"
                + " data[password] (the message is withheld: it may quote Secret data); fix the object in the overlay"
                + " and push again");
    }

    @Test
    void anUnreachableServerSaysSo() {
        String reason = Applier.reason(new ObjectRef("v1", "ConfigMap", "s", "c"),
                new KubernetesClientException("Operation failed", new ConnectException("Connection refused")));

        assertThat(reason).isEqualTo("the API server could not be reached (ConnectException: Connection refused);"
                + " check the applier's kubeconfig and the cluster");
    }
}
