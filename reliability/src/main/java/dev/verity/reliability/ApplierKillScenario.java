package dev.verity.reliability;

import dev.verity.stack.DemoStory;
import dev.verity.stack.LocalForge;
import dev.verity.stack.ServiceProcess;
import dev.verity.testkit.kube.Fault;
import dev.verity.testkit.kube.RequestMatch;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The applier killed with SIGKILL in the middle of a rollout — after it recorded the inventory (old ∪ new) and applied
 * the new objects, while its prune of the ConfigMap the release replaces hangs on the API server — and started again
 * by the supervisor. The restarted applier, once elected, finishes the rollout from the inventory: {@code Applied} at
 * the commit, the old ConfigMap pruned, the inventory without it, and nothing leaked (every object of the target in
 * the namespace is in the inventory, one generated ConfigMap left).
 */
public final class ApplierKillScenario implements Scenario {

    static final String APPLIER = "applier-service";

    @Override
    public String name() {
        return "applier killed mid-apply";
    }

    @Override
    public void cleanUp(SuiteContext ctx) {
        ctx.stack().sandbox().faults().clear();
    }

    @Override
    public void steps(SuiteContext ctx, ScenarioResult.Builder b) {
        KubernetesClient kube = ctx.stack().sandbox().client();
        Duration wait = ctx.options().timeout();
        List<String> before = shopConfigs(kube);
        if (before.size() != 1) throw new IllegalStateException("expected one generated shop-config ConfigMap in "
                + DemoStory.NAMESPACE + " before the scenario, found " + before);
        String oldConfig = before.get(0);
        ctx.stack().sandbox().faults().inject(RequestMatch.of("delete", "configmaps").inNamespace(DemoStory.NAMESPACE)
                .named(oldConfig), 1, Fault.hang(Duration.ofSeconds(60)));
        b.did("made the API server hold the delete of ConfigMap " + oldConfig + " (the prune of the release's old config)");
        LocalForge.Push push = ctx.pushGreeting("applier-kill");
        SuiteContext.Answer a = ctx.webhook(name(), push, "applier-kill-" + push.after().substring(0, 8));
        b.did("pushed " + Ledger.shortSha(push.after()) + " with its webhook (answered " + a.status() + ")");
        b.events(1).faults("applier SIGKILL between inventory and prune, restarted by the supervisor");
        boolean pruning = SuiteContext.awaitTrue(wait, () -> ctx.stack().sandbox().faults().pending().isEmpty());
        String inventory = inventory(kube);
        String newConfig = shopConfigs(kube).stream().filter(n -> !n.equals(oldConfig)).findFirst().orElse("(none)");
        b.check("the applier recorded old ∪ new in the inventory and reached the prune", pruning
                && inventory.contains(oldConfig) && inventory.contains(newConfig), "inventory lists " + oldConfig + ": "
                + inventory.contains(oldConfig) + ", " + newConfig + ": " + inventory.contains(newConfig));

        ServiceProcess applier = ctx.stack().service(APPLIER);
        long pid = applier.pid();
        Instant killed = Instant.now();
        ctx.stack().killService(APPLIER);
        ctx.stack().sandbox().faults().clear();
        b.did("killed " + APPLIER + " (pid " + pid + ") with SIGKILL while its prune hung");
        boolean restarted = SuiteContext.awaitTrue(wait, () -> ctx.stack().service(APPLIER).pid() != pid
                && ctx.supervisorLines().stream().anyMatch(l -> l.startsWith("restarted " + APPLIER + " ")));
        b.check("the supervisor restarted the applier", restarted, ctx.supervisorLines().stream()
                .filter(l -> l.contains(APPLIER)).map(l -> l.lines().findFirst().orElse("")).toList().toString());
        try {
            ctx.story().awaitProdAt(push.after(), "applier-kill");
            b.check("the restarted applier finishes the rollout: Applied at the commit", true, Ledger.shortSha(push.after()));
        } catch (RuntimeException e) {
            b.check("the restarted applier finishes the rollout: Applied at the commit", false, e.getMessage());
        }
        boolean pruned = SuiteContext.awaitTrue(wait, () -> kube.configMaps().inNamespace(DemoStory.NAMESPACE)
                .withName(oldConfig).get() == null && !inventory(kube).contains(oldConfig));
        if (pruned) b.recovered(Duration.between(killed, Instant.now()));
        b.check("the old ConfigMap is pruned and gone from the inventory", pruned, "ConfigMaps now " + shopConfigs(kube));
        List<String> leaked = leaked(kube, inventory(kube));
        b.check("nothing leaked: one generated ConfigMap, every object of the target in the inventory",
                leaked.isEmpty() && shopConfigs(kube).size() == 1, leaked.isEmpty() ? "ConfigMaps " + shopConfigs(kube) : "not in the inventory: " + leaked);
        Reconciliation.Verdict v = Reconciliation.compare(ctx.ledger().entries(name()), ctx.observe(), ctx.history(), false);
        b.lost(v.lost().size());
        b.check("the push is on verity.commits and no Applied went back", v.passed(), String.join("; ", v.problems()));
    }

    /** The generated shop ConfigMaps in the prod namespace, by name. */
    static List<String> shopConfigs(KubernetesClient kube) {
        return kube.configMaps().inNamespace(DemoStory.NAMESPACE).list().getItems().stream()
                .map(c -> c.getMetadata().getName()).filter(n -> n.startsWith("shop-config")).sorted().toList();
    }

    /** The prod target's inventory as stored in the cluster (JSON), or empty. */
    static String inventory(KubernetesClient kube) {
        return kube.configMaps().inNamespace("verity-system").withLabel("verity.dev/inventory-of").list().getItems()
                .stream().map(ConfigMap::getData).filter(d -> d != null && d.getOrDefault("inventory.json", "")
                        .contains("\"target\":\"" + DemoStory.PROD + "\""))
                .map(d -> d.get("inventory.json")).findFirst().orElse("");
    }

    /** Objects in the prod namespace annotated for the prod target whose name the inventory does not list. */
    static List<String> leaked(KubernetesClient kube, String inventory) {
        List<HasMetadata> all = new ArrayList<>();
        all.addAll(kube.configMaps().inNamespace(DemoStory.NAMESPACE).list().getItems());
        all.addAll(kube.apps().deployments().inNamespace(DemoStory.NAMESPACE).list().getItems());
        all.addAll(kube.services().inNamespace(DemoStory.NAMESPACE).list().getItems());
        List<String> leaked = new ArrayList<>();
        for (HasMetadata o : all) {
            Map<String, String> annotations = o.getMetadata().getAnnotations();
            boolean ours = annotations != null && DemoStory.PROD.toString().equals(annotations.get("verity.dev/target"));
            if (ours && !inventory.contains("\"" + o.getMetadata().getName() + "\"")) {
                leaked.add(o.getKind() + "/" + o.getMetadata().getName());
            }
        }
        return leaked;
    }
}
