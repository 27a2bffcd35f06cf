package dev.verity.kube;

import dev.verity.testkit.kube.KubeSandbox;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * What the applier's ITs start: one Kubernetes sandbox per test class (a real HTTP API server test double, see
 * {@link KubeSandbox}), a client of it and an {@link Applier} with the default options.
 */
abstract class OnSandbox {

    static KubeSandbox sandbox;
    static KubernetesClient cluster;
    static Applier applier;

    @BeforeAll
    static void startSandbox() {
        sandbox = KubeSandbox.start();
        cluster = sandbox.client();
        applier = new Applier(cluster);
    }

    @AfterAll
    static void stopSandbox() {
        sandbox.close();
    }
}
