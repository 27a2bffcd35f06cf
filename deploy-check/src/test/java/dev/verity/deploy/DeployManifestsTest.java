package dev.verity.deploy;

import dev.verity.events.topics.TopicPlan;
import dev.verity.events.topics.TopicSettings;
import dev.verity.events.topics.TopicSpec;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import static dev.verity.deploy.Rendered.at;
import static dev.verity.deploy.Rendered.list;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Kustomize manifests that install Verity, rendered with Verity's own Kustomize engine: what each overlay holds,
 * the replica model of DESIGN.md, least-privilege RBAC, and configuration that the services actually read.
 */
class DeployManifestsTest {

    static final ConfigCatalog CATALOG = new ConfigCatalog(Rendered.ROOT);

    static final Map<String, Service> DEPLOYMENTS = Map.of("webhook-receiver", Service.WEBHOOK_RECEIVER,
            "renderer-service", Service.RENDERER, "applier-service", Service.APPLIER, "drift-monitor", Service.DRIFT_MONITOR,
            "notifier", Service.NOTIFIER);

    @Test
    void everyKustomizationUnderDeployRenders() {
        assertThat(Rendered.kustomizations()).contains("base", "overlays/single-cluster", "overlays/multi-cluster/hub",
                "overlays/multi-cluster/agent-prod-eu", "overlays/multi-cluster/agent-prod-us", "overlays/strimzi-topics");
        for (String dir : Rendered.kustomizations()) {
            assertThat(Rendered.build(dir).objects()).as(dir).isNotEmpty();
        }
    }

    @Test
    void singleClusterHasEveryPartOfVerity() {
        Rendered single = Rendered.build("overlays/single-cluster");

        assertThat(single.names("Deployment")).containsExactlyInAnyOrderElementsOf(DEPLOYMENTS.keySet());
        assertThat(single.names("Service")).containsExactlyInAnyOrderElementsOf(DEPLOYMENTS.keySet());
        assertThat(single.names("ServiceAccount")).containsExactlyInAnyOrderElementsOf(DEPLOYMENTS.keySet());
        assertThat(single.names("PodDisruptionBudget")).containsExactlyInAnyOrderElementsOf(DEPLOYMENTS.keySet());
        assertThat(single.names("HorizontalPodAutoscaler")).containsExactly("webhook-receiver");
        assertThat(single.names("Job")).containsExactly("verity-topics");
        assertThat(single.names("NetworkPolicy")).contains("verity-default-deny-ingress", "webhook-receiver-allow-forges");
        assertThat(single.names("Namespace")).containsExactly("verity-system");
        assertThat(single.objects()).allSatisfy(o -> assertThat(at(o, "metadata", "labels", "app.kubernetes.io/part-of"))
                .as("%s %s", o.get("kind"), at(o, "metadata", "name")).isEqualTo("verity"));
    }

    @Test
    void theWritersAndWatchersAndTheNotifierRunTwoReplicasActiveStandbyWithABudgetKeepingOne() {
        Rendered single = Rendered.build("overlays/single-cluster");
        for (String name : List.of("applier-service", "drift-monitor", "notifier")) {
            assertThat(at(single.get("Deployment", name), "spec", "replicas")).as(name).isEqualTo(2);
            assertThat(at(single.get("PodDisruptionBudget", name), "spec", "minAvailable")).as(name).isEqualTo(1);
        }
        Map<String, Object> hpa = single.get("HorizontalPodAutoscaler", "webhook-receiver");
        assertThat(at(hpa, "spec", "scaleTargetRef", "name")).isEqualTo("webhook-receiver");
        assertThat((Integer) at(hpa, "spec", "minReplicas")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void eachDeploymentListensProbesAndIsServedOnItsServicesPortAsANonRootReadOnlyContainer() {
        Rendered single = Rendered.build("overlays/single-cluster");
        DEPLOYMENTS.forEach((name, service) -> {
            int port = service.httpPort(Rendered.ROOT);
            Map<String, Object> container = list(single.get("Deployment", name), "spec", "template", "spec", "containers").get(0);
            assertThat(at(container, "ports", 0, "containerPort")).as(name).isEqualTo(port);
            assertThat(at(container, "readinessProbe", "httpGet", "path")).isEqualTo("/q/health/ready");
            assertThat(at(container, "livenessProbe", "httpGet", "path")).isEqualTo("/q/health/live");
            // not /q/health/started, which is DOWN until a broker answers: a Kafka outage must not restart pods
            assertThat(at(container, "startupProbe", "httpGet", "path")).as(name).isEqualTo("/q/health/live");
            assertThat(at(container, "image")).asString().startsWith("verity/" + name + ":");
            assertThat(at(container, "securityContext", "readOnlyRootFilesystem")).isEqualTo(true);
            assertThat(at(single.get("Deployment", name), "spec", "template", "spec", "securityContext", "runAsNonRoot")).isEqualTo(true);
            assertThat(at(single.get("Service", name), "spec", "ports", 0, "port")).as(name).isEqualTo(port);
        });
    }

    @Test
    void onlyTheApplierAndTheDriftMonitorGetAKubernetesTokenAndTheDriftMonitorOnlyReads() {
        Rendered single = Rendered.build("overlays/single-cluster");
        DEPLOYMENTS.keySet().forEach(name -> assertThat(at(single.get("Deployment", name), "spec", "template", "spec",
                "automountServiceAccountToken")).as(name).isEqualTo(name.equals("applier-service") || name.equals("drift-monitor")));

        assertThat(list(single.get("ClusterRole", "verity-drift-monitor"), "rules"))
                .allSatisfy(rule -> assertThat(String.valueOf(rule.get("verbs"))).isEqualTo("[get, list, watch]"));
        assertThat(at(single.get("ClusterRoleBinding", "verity-drift-monitor"), "subjects", 0, "name")).isEqualTo("drift-monitor");

        // the applier's own role: ConfigMaps (its inventories) in verity-system, nothing else
        Map<String, Object> inventory = single.get("Role", "verity-applier-inventory");
        assertThat(at(inventory, "metadata", "namespace")).isEqualTo("verity-system");
        assertThat(list(inventory, "rules")).singleElement()
                .satisfies(rule -> assertThat(String.valueOf(rule.get("resources"))).isEqualTo("[configmaps]"));
        // anything cluster-wide for the applier is the user's grant (the example), bound by name
        List<String> applierClusterBindings = single.ofKind("ClusterRoleBinding").stream()
                .filter(b -> "applier-service".equals(at(b, "subjects", 0, "name")))
                .map(b -> (String) at(b, "roleRef", "name")).toList();
        assertThat(applierClusterBindings).containsExactly("verity-applier-grants");
        Rendered base = Rendered.build("base");
        assertThat(base.names("ClusterRole")).containsExactly("verity-drift-monitor");
    }

    @Test
    void multiClusterSplitsTheHubFromAnAgentPerClusterAndTheHubProvisionsEachAgentsTopics() {
        Rendered hub = Rendered.build("overlays/multi-cluster/hub");
        assertThat(hub.names("Deployment")).containsExactlyInAnyOrder("webhook-receiver", "renderer-service", "notifier");
        assertThat(hub.names("Job")).containsExactly("verity-topics");
        Set<String> provisioned = Set.of(((String) at(hub.get("ConfigMap", "verity-hub"), "data", "clusters")).split(","));

        List<String> agents = Rendered.kustomizations().stream().filter(d -> d.startsWith("overlays/multi-cluster/agent-")).toList();
        assertThat(agents).hasSizeGreaterThanOrEqualTo(2);
        List<String> clusters = new ArrayList<>();
        for (String dir : agents) {
            Rendered agent = Rendered.build(dir);
            assertThat(agent.names("Deployment")).as(dir).containsExactlyInAnyOrder("applier-service", "drift-monitor");
            assertThat(agent.names("Job")).isEmpty();
            for (String name : List.of("applier-service", "drift-monitor")) {
                assertThat(at(agent.get("Deployment", name), "spec", "replicas")).isEqualTo(2);
            }
            String cluster = (String) at(agent.get("ConfigMap", "verity-agent"), "data", "cluster");
            assertThat(dir).endsWith("agent-" + cluster);
            clusters.add(cluster);
        }
        assertThat(provisioned).containsExactlyInAnyOrderElementsOf(clusters);
    }

    @Test
    void everyEnvironmentVariableADeploymentGetsIsAPropertyItsServiceReads() {
        for (String dir : List.of("overlays/single-cluster", "overlays/multi-cluster/hub", "overlays/multi-cluster/agent-prod-eu")) {
            Rendered r = Rendered.build(dir);
            for (Map<String, Object> deployment : r.ofKind("Deployment")) {
                String name = (String) at(deployment, "metadata", "name");
                Service service = DEPLOYMENTS.get(name);
                Map<String, Object> container = list(deployment, "spec", "template", "spec", "containers").get(0);
                List<String> variables = new ArrayList<>();
                list(container, "env").forEach(e -> variables.add((String) e.get("name")));
                for (Map<String, Object> from : list(container, "envFrom")) {
                    String configMap = (String) at(from, "configMapRef", "name");
                    if (configMap != null) {
                        @SuppressWarnings("unchecked")
                        Map<String, Object> data = (Map<String, Object>) at(r.get("ConfigMap", configMap), "data");
                        variables.addAll(data.keySet());
                    }
                }
                assertThat(variables).as("%s %s", dir, name).isNotEmpty()
                        .allSatisfy(v -> assertThat(CATALOG.forEnv(service, v)).as("%s: %s %s reads no such property", dir, name, v).isPresent());
            }
        }
    }

    @Test
    void theTopicJobRunsTheStepDockerComposeRuns() {
        Map<String, Object> job = Rendered.build("overlays/single-cluster").get("Job", "verity-topics");
        Map<String, Object> container = list(job, "spec", "template", "spec", "containers").get(0);
        assertThat(at(container, "command")).isEqualTo(Compose.read(Rendered.ROOT).list("topics", "entrypoint"));
        assertThat(at(container, "image")).asString().startsWith("verity/webhook-receiver:");
    }

    @Test
    void theStrimziOverlayHasAKafkaTopicPerPlannedTopicAndNoTopicJob() {
        Rendered strimzi = Rendered.build("overlays/strimzi-topics");
        assertThat(strimzi.names("Job")).isEmpty();
        Map<String, String> rendered = new TreeMap<>();
        for (Map<String, Object> topic : strimzi.ofKind("KafkaTopic")) {
            @SuppressWarnings("unchecked")
            Map<String, Object> config = (Map<String, Object>) at(topic, "spec", "config");
            rendered.put((String) at(topic, "spec", "topicName"), at(topic, "spec", "partitions") + " " + new TreeMap<>(config));
            assertThat(at(topic, "metadata", "labels", "strimzi.io/cluster")).isEqualTo("verity-kafka");
        }
        Map<String, String> planned = new TreeMap<>();
        for (TopicSpec spec : TopicPlan.of(TopicSettings.DEFAULTS, List.of("local"))) {
            Map<String, Object> config = new LinkedHashMap<>(spec.configs());
            planned.put(spec.name(), spec.partitions() + " " + new TreeMap<>(config));
        }
        assertThat(rendered).as("deploy/overlays/strimzi-topics/kafka-topics.yaml against TopicPlan").isEqualTo(planned);
        assertThat(strimzi.names("Deployment")).hasSize(5);
        assertThat(planned.keySet().stream().filter(n -> n.startsWith("verity.leader.")).collect(Collectors.toSet()))
                .contains("verity.leader.applier.local", "verity.leader.notifier");
    }
}
