package dev.verity.e2e;

import dev.verity.stack.DemoStory;
import dev.verity.stack.LocalForge;
import dev.verity.stack.LocalStack;
import dev.verity.stack.ServiceProcess;
import dev.verity.stack.StackOptions;
import dev.verity.testkit.kube.Fault;
import dev.verity.testkit.kube.RequestMatch;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two applier processes for one cluster, active/standby: only the leader applies; when it is killed (SIGKILL) in
 * the middle of a rollout — after recording the inventory and applying, while its prune hangs — the standby takes
 * over, finishes the rollout from the inventory, and nothing is leaked.
 */
class ApplierFailoverE2EIT {

    static final Duration WAIT = Duration.ofMinutes(2);
    static LocalStack stack;
    static DemoStory story;

    @BeforeAll
    static void startStack() throws Exception {
        Path dir = Files.createTempDirectory("verity-failover-");
        stack = LocalStack.start(StackOptions.onFreePorts(dir));
        story = new DemoStory(stack, WAIT);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) stack.close();
    }

    @Test
    void theStandbyFinishesARolloutWhoseLeaderWasKilledBetweenItsInventoryAndItsPrune() {
        KubernetesClient kube = stack.sandbox().client();
        LocalForge.Push first = story.pushReleaseToProd("before the failover");
        story.awaitProdAt(first.after(), "before the failover");
        String oldConfig = shopConfigs(kube).get(0);

        ServiceProcess original = stack.services().get("applier-service");
        ServiceProcess second = stack.startApplierReplica("applier-service-2");
        await().atMost(WAIT).until(() -> leader(original) ^ leader(second));
        ServiceProcess active = leader(original) ? original : second;
        ServiceProcess standby = active == original ? second : original;
        int appliesByStandby = appliesLogged(standby);

        // the leader's prune of the ConfigMap the next release replaces hangs, as on a slow API server
        stack.sandbox().faults().inject(RequestMatch.of("delete", "configmaps").inNamespace(DemoStory.NAMESPACE)
                .named(oldConfig), 1, Fault.hang(Duration.ofSeconds(40)));
        LocalForge.Push release = story.pushReleaseToProd("after the failover");
        await().atMost(WAIT).until(() -> stack.sandbox().faults().pending().isEmpty());
        assertThat(inventory(kube)).as("recorded before the apply: the old and the new ConfigMap")
                .contains(oldConfig).contains(newConfig(kube, oldConfig));
        assertThat(appliesLogged(standby)).as("the standby applied nothing while it stood by").isEqualTo(appliesByStandby);

        active.kill();
        stack.sandbox().faults().clear();

        story.awaitProdAt(release.after(), "after the failover");
        await().atMost(WAIT).untilAsserted(() -> {
            assertThat(kube.configMaps().inNamespace(DemoStory.NAMESPACE).withName(oldConfig).get())
                    .as("the old ConfigMap, pruned by the new leader").isNull();
            assertThat(inventory(kube)).doesNotContain(oldConfig);
        });
        assertThat(shopConfigs(kube)).hasSize(1);
        assertThat(leader(standby)).isTrue();
    }

    /** The shop's generated ConfigMaps in the prod namespace, by name. */
    static List<String> shopConfigs(KubernetesClient kube) {
        return kube.configMaps().inNamespace(DemoStory.NAMESPACE).list().getItems().stream()
                .map(c -> c.getMetadata().getName()).filter(n -> n.startsWith("shop-config")).sorted().toList();
    }

    static String newConfig(KubernetesClient kube, String old) {
        return shopConfigs(kube).stream().filter(n -> !n.equals(old)).findFirst().orElse("(no new ConfigMap)");
    }

    /** The prod target's inventory as stored in the cluster (JSON), or empty. */
    static String inventory(KubernetesClient kube) {
        return kube.configMaps().inNamespace("verity-system").withLabel("verity.dev/inventory-of").list().getItems()
                .stream().map(ConfigMap::getData).filter(d -> d != null && d.getOrDefault("inventory.json", "")
                        .contains("\"target\":\"" + DemoStory.PROD + "\""))
                .map(d -> d.get("inventory.json")).findFirst().orElse("");
    }

    static boolean leader(ServiceProcess applier) {
        return applier.leadership().contains("\"leader\":true");
    }

    /** How many applies the applier's log reports. */
    static int appliesLogged(ServiceProcess applier) {
        AtomicInteger n = new AtomicInteger();
        try {
            Files.readAllLines(applier.log()).forEach(l -> {
                if (l.contains(": applied ") && l.contains("object(s)")) n.incrementAndGet();
            });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return n.get();
    }
}
