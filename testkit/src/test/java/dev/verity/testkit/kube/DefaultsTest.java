package dev.verity.testkit.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The server-side defaults, object in and object out. The expected objects are what a Kubernetes 1.32 API server
 * returns ({@code kubectl get -o yaml}) for the same minimal manifest, less what is not a default but the encoding
 * of an empty Go struct ({@code resources: {}} on a container, {@code creationTimestamp: null} in a template's
 * metadata), which the sandbox leaves to the zero-value handling of the API table.
 */
class DefaultsTest {

  private static final ResourceType DEPLOYMENT = type("apps", "v1", "Deployment", "deployments");
  private static final ResourceType STATEFUL_SET = type("apps", "v1", "StatefulSet", "statefulsets");
  private static final ResourceType DAEMON_SET = type("apps", "v1", "DaemonSet", "daemonsets");
  private static final ResourceType SERVICE = type("", "v1", "Service", "services");
  private static final ResourceType POD = type("", "v1", "Pod", "pods");
  private static final ResourceType JOB = type("batch", "v1", "Job", "jobs");
  private static final ResourceType CRON_JOB = type("batch", "v1", "CronJob", "cronjobs");

  private final List<ObjectNode> services = new ArrayList<>();

  // ---- workloads --------------------------------------------------------------------------------------------------

  @Test
  void aMinimalDeploymentComesBackAsKubectlShowsIt() {
    ObjectNode deployment = defaulted(DEPLOYMENT, """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, namespace: shop}
        spec:
          selector: {matchLabels: {app: web}}
          template:
            metadata: {labels: {app: web}}
            spec:
              containers:
              - {name: nginx, image: nginx}
        """);

    assertThat(deployment.get("spec")).isEqualTo(yaml("""
        progressDeadlineSeconds: 600
        replicas: 1
        revisionHistoryLimit: 10
        selector: {matchLabels: {app: web}}
        strategy:
          rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}
          type: RollingUpdate
        template:
          metadata: {labels: {app: web}}
          spec:
            containers:
            - image: nginx
              imagePullPolicy: Always
              name: nginx
              terminationMessagePath: /dev/termination-log
              terminationMessagePolicy: File
            dnsPolicy: ClusterFirst
            restartPolicy: Always
            schedulerName: default-scheduler
            securityContext: {}
            terminationGracePeriodSeconds: 30
        """));
  }

  @Test
  void aRecreateDeploymentGetsNoRollingUpdateAndExplicitValuesStay() {
    ObjectNode deployment = defaulted(DEPLOYMENT, """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          replicas: 0
          revisionHistoryLimit: 0
          strategy: {type: Recreate}
          template:
            spec:
              dnsPolicy: Default
              terminationGracePeriodSeconds: 0
              containers:
              - {name: app, image: "registry.example.com:5000/team/app:1.4", imagePullPolicy: Never}
        """);

    JsonNode spec = deployment.get("spec");
    assertThat(spec.get("strategy")).isEqualTo(yaml("{type: Recreate}"));
    assertThat(spec.get("replicas").asInt()).isZero();
    assertThat(spec.get("revisionHistoryLimit").asInt()).isZero();
    assertThat(spec.at("/template/spec/dnsPolicy").asText()).isEqualTo("Default");
    assertThat(spec.at("/template/spec/terminationGracePeriodSeconds").asInt()).isZero();
    assertThat(spec.at("/template/spec/containers/0/imagePullPolicy").asText()).isEqualTo("Never");
  }

  @Test
  void aRollingUpdateGivenInPartKeepsItsValueAndGetsTheOther() {
    ObjectNode deployment = defaulted(DEPLOYMENT, """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          strategy: {rollingUpdate: {maxSurge: 1}}
          template: {spec: {containers: [{name: app, image: app}]}}
        """);

    assertThat(deployment.at("/spec/strategy")).isEqualTo(yaml("{type: RollingUpdate, rollingUpdate: {maxSurge: 1, maxUnavailable: 25%}}"));
  }

  @Test
  void thePullPolicyFollowsTheImageTag() {
    assertThat(PodDefaults.pullPolicy("nginx")).isEqualTo("Always");
    assertThat(PodDefaults.pullPolicy("nginx:latest")).isEqualTo("Always");
    assertThat(PodDefaults.pullPolicy("docker.io/library/nginx:1.27")).isEqualTo("IfNotPresent");
    assertThat(PodDefaults.pullPolicy("localhost:5000/app")).isEqualTo("Always");
    assertThat(PodDefaults.pullPolicy("localhost:5000/app:v2")).isEqualTo("IfNotPresent");
    assertThat(PodDefaults.pullPolicy("nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"))
        .isEqualTo("IfNotPresent");
    assertThat(PodDefaults.pullPolicy("nginx:latest@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"))
        .isEqualTo("Always");
    assertThat(PodDefaults.pullPolicy("")).as("an image the reference parser rejects").isEqualTo("IfNotPresent");
    assertThat(PodDefaults.pullPolicy("Nginx")).as("upper case is not a valid repository").isEqualTo("IfNotPresent");
  }

  @Test
  void containersInitContainersProbesAndVolumesGetTheirDefaults() {
    ObjectNode deployment = defaulted(DEPLOYMENT, """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          template:
            spec:
              initContainers:
              - {name: init, image: "busybox:1.36"}
              containers:
              - name: app
                image: app:1
                ports: [{containerPort: 8080}]
                env: [{name: POD, valueFrom: {fieldRef: {fieldPath: metadata.name}}}]
                livenessProbe: {httpGet: {port: 8080}}
                readinessProbe: {grpc: {port: 9090}, periodSeconds: 5}
              volumes:
              - {name: scratch}
              - {name: config, configMap: {name: app}}
              - {name: creds, secret: {secretName: app, defaultMode: 256}}
              - name: token
                projected: {sources: [{serviceAccountToken: {path: token}}]}
              - {name: host, hostPath: {path: /var/log}}
        """);

    JsonNode spec = deployment.at("/spec/template/spec");
    assertThat(spec.at("/initContainers/0")).isEqualTo(yaml("""
        {name: init, image: "busybox:1.36", imagePullPolicy: IfNotPresent,
         terminationMessagePath: /dev/termination-log, terminationMessagePolicy: File}
        """));
    JsonNode app = spec.at("/containers/0");
    assertThat(app.get("ports")).isEqualTo(yaml("[{containerPort: 8080, protocol: TCP}]"));
    assertThat(app.at("/env/0/valueFrom/fieldRef")).isEqualTo(yaml("{apiVersion: v1, fieldPath: metadata.name}"));
    assertThat(app.get("livenessProbe")).isEqualTo(yaml("""
        {httpGet: {path: /, port: 8080, scheme: HTTP}, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3}
        """));
    assertThat(app.get("readinessProbe")).isEqualTo(yaml("""
        {grpc: {port: 9090, service: ""}, timeoutSeconds: 1, periodSeconds: 5, successThreshold: 1, failureThreshold: 3}
        """));
    assertThat(spec.get("volumes")).isEqualTo(yaml("""
        - {name: scratch, emptyDir: {}}
        - {name: config, configMap: {name: app, defaultMode: 420}}
        - {name: creds, secret: {secretName: app, defaultMode: 256}}
        - {name: token, projected: {defaultMode: 420, sources: [{serviceAccountToken: {path: token, expirationSeconds: 3600}}]}}
        - {name: host, hostPath: {path: /var/log, type: ""}}
        """));
  }

  @Test
  void onlyAPodGetsServiceLinksAndRequestsFromItsLimits() {
    String podSpec = """
          containers:
          - name: app
            image: app:1
            resources: {limits: {cpu: 500m, memory: 128Mi}, requests: {cpu: 100m}}
        """;
    ObjectNode pod = defaulted(POD, "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n" + podSpec);
    ObjectNode deployment = defaulted(DEPLOYMENT, "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n"
        + "spec:\n  template:\n    spec:\n" + podSpec.replace("\n  ", "\n      ").replaceFirst("^  ", "      "));

    assertThat(pod.at("/spec/enableServiceLinks").asBoolean()).isTrue();
    assertThat(pod.at("/spec/containers/0/resources/requests")).isEqualTo(yaml("{cpu: 100m, memory: 128Mi}"));
    assertThat(pod.at("/spec/dnsPolicy").asText()).isEqualTo("ClusterFirst");
    assertThat(deployment.at("/spec/template/spec").has("enableServiceLinks")).isFalse();
    assertThat(deployment.at("/spec/template/spec/containers/0/resources/requests")).isEqualTo(yaml("{cpu: 100m}"));
  }

  @Test
  void aStatefulSetGetsItsUpdateStrategyRetentionPolicyAndClaimTemplateDefaults() {
    ObjectNode statefulSet = defaulted(STATEFUL_SET, """
        apiVersion: apps/v1
        kind: StatefulSet
        metadata: {name: db}
        spec:
          serviceName: db
          selector: {matchLabels: {app: db}}
          template:
            metadata: {labels: {app: db}}
            spec: {containers: [{name: db, image: "postgres:17"}]}
          volumeClaimTemplates:
          - metadata: {name: data}
            spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
        """);

    JsonNode spec = statefulSet.get("spec");
    assertThat(spec.get("updateStrategy")).isEqualTo(yaml("{type: RollingUpdate, rollingUpdate: {partition: 0}}"));
    assertThat(spec.get("podManagementPolicy").asText()).isEqualTo("OrderedReady");
    assertThat(spec.get("persistentVolumeClaimRetentionPolicy")).isEqualTo(yaml("{whenDeleted: Retain, whenScaled: Retain}"));
    assertThat(spec.get("replicas").asInt()).isEqualTo(1);
    assertThat(spec.get("revisionHistoryLimit").asInt()).isEqualTo(10);
    assertThat(spec.at("/volumeClaimTemplates/0")).isEqualTo(yaml("""
        metadata: {name: data}
        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}, volumeMode: Filesystem}
        status: {phase: Pending}
        """));
    assertThat(spec.at("/template/spec/restartPolicy").asText()).isEqualTo("Always");
  }

  @Test
  void aStatefulSetStrategyGivenExplicitlyIsOnlyCompletedWhereTheDefaulterDoesIt() {
    String template = "  template: {spec: {containers: [{name: a, image: a}]}}\n";
    ObjectNode rolling = defaulted(STATEFUL_SET, "kind: StatefulSet\nmetadata: {name: a}\nspec:\n"
        + "  updateStrategy: {type: RollingUpdate}\n" + template);
    ObjectNode onDelete = defaulted(STATEFUL_SET, "kind: StatefulSet\nmetadata: {name: b}\nspec:\n"
        + "  updateStrategy: {type: OnDelete}\n" + template);
    ObjectNode partial = defaulted(STATEFUL_SET, "kind: StatefulSet\nmetadata: {name: c}\nspec:\n"
        + "  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 2}}\n" + template);

    assertThat(rolling.at("/spec/updateStrategy")).isEqualTo(yaml("{type: RollingUpdate}"));
    assertThat(onDelete.at("/spec/updateStrategy")).isEqualTo(yaml("{type: OnDelete}"));
    assertThat(partial.at("/spec/updateStrategy")).isEqualTo(yaml("{type: RollingUpdate, rollingUpdate: {maxUnavailable: 2, partition: 0}}"));
  }

  @Test
  void aDaemonSetGetsItsRollingUpdate() {
    ObjectNode daemonSet = defaulted(DAEMON_SET, """
        kind: DaemonSet
        metadata: {name: agent}
        spec: {template: {spec: {containers: [{name: a, image: "agent:2"}]}}}
        """);

    assertThat(daemonSet.at("/spec/updateStrategy")).isEqualTo(yaml("{type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: 0}}"));
    assertThat(daemonSet.at("/spec/revisionHistoryLimit").asInt()).isEqualTo(10);
    assertThat(daemonSet.at("/spec").has("replicas")).isFalse();
  }

  @Test
  void aReplicationControllerTakesSelectorAndLabelsFromItsTemplate() {
    ObjectNode controller = defaulted(type("", "v1", "ReplicationController", "replicationcontrollers"), """
        kind: ReplicationController
        metadata: {name: old}
        spec: {template: {metadata: {labels: {app: old}}, spec: {containers: [{name: a, image: a}]}}}
        """);

    assertThat(controller.at("/spec/selector")).isEqualTo(yaml("{app: old}"));
    assertThat(controller.at("/metadata/labels")).isEqualTo(yaml("{app: old}"));
    assertThat(controller.at("/spec/replicas").asInt()).isEqualTo(1);
  }

  // ---- batch ------------------------------------------------------------------------------------------------------

  @Test
  void aCreatedJobGetsItsDefaultsAndAGeneratedSelector() {
    ObjectNode job = defaulted(JOB, """
        apiVersion: batch/v1
        kind: Job
        metadata: {name: pi, uid: 6f1c2a8e-0000-4000-8000-000000000001}
        spec:
          template:
            spec:
              restartPolicy: Never
              containers: [{name: pi, image: "perl:5.34"}]
        """);

    String uid = "6f1c2a8e-0000-4000-8000-000000000001";
    ObjectNode labels = (ObjectNode) yaml("{batch.kubernetes.io/controller-uid: " + uid + ", batch.kubernetes.io/job-name: pi, "
        + "controller-uid: " + uid + ", job-name: pi}");
    JsonNode spec = job.get("spec");
    assertThat(spec.get("backoffLimit").asInt()).isEqualTo(6);
    assertThat(spec.get("completionMode").asText()).isEqualTo("NonIndexed");
    assertThat(spec.get("completions").asInt()).isEqualTo(1);
    assertThat(spec.get("parallelism").asInt()).isEqualTo(1);
    assertThat(spec.get("manualSelector").asBoolean(true)).isFalse();
    assertThat(spec.get("suspend").asBoolean(true)).isFalse();
    assertThat(spec.get("podReplacementPolicy").asText()).isEqualTo("TerminatingOrFailed");
    assertThat(spec.get("selector")).isEqualTo(yaml("{matchLabels: {batch.kubernetes.io/controller-uid: " + uid + "}}"));
    assertThat(spec.at("/template/metadata/labels")).isEqualTo(labels);
    assertThat(job.at("/metadata/labels")).as("read back from storage, the template's labels default the Job's").isEqualTo(labels);
    assertThat(spec.at("/template/spec/restartPolicy").asText()).isEqualTo("Never");
  }

  @Test
  void jobDefaultsThatDependOnOtherFields() {
    ObjectNode parallel = defaulted(JOB, """
        kind: Job
        metadata: {name: work, uid: u1, labels: {team: a}}
        spec:
          parallelism: 3
          backoffLimitPerIndex: 1
          completionMode: Indexed
          podFailurePolicy: {rules: [{action: Ignore, onPodConditions: [{type: DisruptionTarget}]}]}
          template: {metadata: {labels: {app: work}}, spec: {restartPolicy: Never, containers: [{name: w, image: w}]}}
        """);

    JsonNode spec = parallel.get("spec");
    assertThat(spec.has("completions")).as("completions stays unset when parallelism is given").isFalse();
    assertThat(spec.get("backoffLimit").asInt()).isEqualTo(Integer.MAX_VALUE);
    assertThat(spec.get("podReplacementPolicy").asText()).isEqualTo("Failed");
    assertThat(spec.at("/podFailurePolicy/rules/0/onPodConditions/0/status").asText()).isEqualTo("True");
    assertThat(parallel.at("/metadata/labels")).isEqualTo(yaml("{team: a}"));
    assertThat(spec.at("/template/metadata/labels/app").asText()).isEqualTo("work");
    assertThat(spec.at("/template/metadata/labels/job-name").asText()).isEqualTo("work");
  }

  @Test
  void aJobWithAManualSelectorIsLeftItsOwnSelector() {
    ObjectNode job = defaulted(JOB, """
        kind: Job
        metadata: {name: m, uid: u2}
        spec:
          manualSelector: true
          selector: {matchLabels: {app: m}}
          template: {metadata: {labels: {app: m}}, spec: {restartPolicy: Never, containers: [{name: m, image: m}]}}
        """);

    assertThat(job.at("/spec/selector")).isEqualTo(yaml("{matchLabels: {app: m}}"));
    assertThat(job.at("/spec/template/metadata/labels")).isEqualTo(yaml("{app: m}"));
  }

  @Test
  void anUpdatedJobKeepsTheSelectorItHas() {
    ObjectNode stored = defaulted(JOB, "kind: Job\nmetadata: {name: j, uid: u3}\nspec: {template: {spec: {restartPolicy: Never, "
        + "containers: [{name: j, image: j}]}}}\n");
    ObjectNode update = stored.deepCopy();
    Defaults.objects(JOB, update, stored, () -> services);

    assertThat(update).isEqualTo(stored);
  }

  @Test
  void aCronJobGetsItsOwnDefaultsAndThePodDefaultsOfItsJobTemplate() {
    ObjectNode cronJob = defaulted(CRON_JOB, """
        kind: CronJob
        metadata: {name: nightly}
        spec:
          schedule: "0 3 * * *"
          jobTemplate: {spec: {template: {spec: {restartPolicy: OnFailure, containers: [{name: n, image: "n:1"}]}}}}
        """);

    JsonNode spec = cronJob.get("spec");
    assertThat(spec.get("concurrencyPolicy").asText()).isEqualTo("Allow");
    assertThat(spec.get("suspend").asBoolean(true)).isFalse();
    assertThat(spec.get("successfulJobsHistoryLimit").asInt()).isEqualTo(3);
    assertThat(spec.get("failedJobsHistoryLimit").asInt()).isEqualTo(1);
    assertThat(spec.at("/jobTemplate/spec/template/spec/schedulerName").asText()).isEqualTo("default-scheduler");
    assertThat(spec.at("/jobTemplate/spec").has("backoffLimit")).as("a job template is not a Job").isFalse();
  }

  // ---- Service ----------------------------------------------------------------------------------------------------

  @Test
  void aMinimalServiceGetsAnAddressFromTheServiceCidrAndItsDefaults() {
    ObjectNode service = defaulted(SERVICE, """
        apiVersion: v1
        kind: Service
        metadata: {name: web, namespace: shop}
        spec:
          selector: {app: web}
          ports: [{port: 80}]
        """);

    JsonNode spec = service.get("spec");
    String ip = spec.get("clusterIP").asText();
    assertThat(inServiceCidr(ip)).as(ip).isTrue();
    assertThat(ip).as("dynamic allocation avoids the static band 10.96.0.0-10.96.0.255").doesNotStartWith("10.96.0.");
    ObjectNode expected = (ObjectNode) yaml("""
        clusterIPs: [IP]
        internalTrafficPolicy: Cluster
        ipFamilies: [IPv4]
        ipFamilyPolicy: SingleStack
        ports: [{port: 80, protocol: TCP, targetPort: 80}]
        selector: {app: web}
        sessionAffinity: None
        type: ClusterIP
        """.replace("IP]", ip + "]"));
    expected.put("clusterIP", ip);
    assertThat(spec).isEqualTo(expected);
  }

  @Test
  void aNodePortServiceGetsOneNodePortPerPortNumberAndTheClusterTrafficPolicy() {
    ObjectNode service = defaulted(SERVICE, """
        kind: Service
        metadata: {name: dns}
        spec:
          type: NodePort
          ports: [{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53, protocol: TCP}, {name: web, port: 80, targetPort: http}]
        """);

    JsonNode ports = service.at("/spec/ports");
    int dns = ports.at("/0/nodePort").asInt();
    assertThat(dns).isBetween(30086, 32767);
    assertThat(ports.at("/1/nodePort").asInt()).isEqualTo(dns);
    assertThat(ports.at("/2/nodePort").asInt()).isBetween(30086, 32767).isNotEqualTo(dns);
    assertThat(ports.at("/2/targetPort").asText()).isEqualTo("http");
    assertThat(service.at("/spec/externalTrafficPolicy").asText()).isEqualTo("Cluster");
    assertThat(service.at("/spec/internalTrafficPolicy").asText()).isEqualTo("Cluster");
  }

  @Test
  void aLoadBalancerWithLocalTrafficGetsAHealthCheckNodePort() {
    ObjectNode service = defaulted(SERVICE, """
        kind: Service
        metadata: {name: lb}
        spec: {type: LoadBalancer, externalTrafficPolicy: Local, ports: [{port: 443}]}
        """);

    assertThat(service.at("/spec/allocateLoadBalancerNodePorts").asBoolean()).isTrue();
    assertThat(service.at("/spec/healthCheckNodePort").asInt()).isBetween(30000, 32767);
    assertThat(service.at("/spec/ports/0/nodePort").asInt()).isBetween(30000, 32767)
        .isNotEqualTo(service.at("/spec/healthCheckNodePort").asInt());
  }

  @Test
  void headlessServicesGetNoAddressAndTheirFamilyPolicy() {
    ObjectNode withSelector = defaulted(SERVICE, """
        kind: Service
        metadata: {name: db}
        spec: {clusterIP: None, selector: {app: db}, ports: [{port: 5432}]}
        """);
    ObjectNode selectorless = defaulted(SERVICE, """
        kind: Service
        metadata: {name: external-db}
        spec: {clusterIP: None, ports: [{port: 5432}]}
        """);

    assertThat(withSelector.at("/spec/clusterIPs")).isEqualTo(yaml("[None]"));
    assertThat(withSelector.at("/spec/ipFamilies")).isEqualTo(yaml("[IPv4]"));
    assertThat(withSelector.at("/spec/ipFamilyPolicy").asText()).isEqualTo("SingleStack");
    assertThat(selectorless.at("/spec/ipFamilies")).isEqualTo(yaml("[IPv4, IPv6]"));
    assertThat(selectorless.at("/spec/ipFamilyPolicy").asText()).isEqualTo("RequireDualStack");
  }

  @Test
  void anExternalNameServiceGetsNoAddressNoFamiliesAndNoTrafficPolicy() {
    ObjectNode service = defaulted(SERVICE, """
        kind: Service
        metadata: {name: upstream}
        spec: {type: ExternalName, externalName: api.example.com}
        """);

    assertThat(service.get("spec")).isEqualTo(yaml("{type: ExternalName, externalName: api.example.com, sessionAffinity: None}"));
  }

  @Test
  void aClientIpAffinityGetsItsTimeoutAndANoneAffinityDropsItsConfig() {
    ObjectNode clientIP = defaulted(SERVICE, "kind: Service\nmetadata: {name: a}\nspec: {sessionAffinity: ClientIP, ports: [{port: 1}]}\n");
    ObjectNode none = defaulted(SERVICE, "kind: Service\nmetadata: {name: b}\nspec: {sessionAffinityConfig: {clientIP: {timeoutSeconds: 5}}, "
        + "ports: [{port: 1}]}\n");

    assertThat(clientIP.at("/spec/sessionAffinityConfig")).isEqualTo(yaml("{clientIP: {timeoutSeconds: 10800}}"));
    assertThat(none.at("/spec").has("sessionAffinityConfig")).isFalse();
  }

  @Test
  void anUpdateThatLeavesOutTheAllocatedValuesKeepsThem() {
    ObjectNode stored = defaulted(SERVICE, """
        kind: Service
        metadata: {name: web, namespace: shop}
        spec: {type: NodePort, selector: {app: web}, ports: [{name: http, port: 80}]}
        """);
    services.add(stored);
    ObjectNode put = (ObjectNode) yaml("""
        kind: Service
        metadata: {name: web, namespace: shop}
        spec: {type: NodePort, selector: {app: web, tier: front}, ports: [{name: http, port: 80}]}
        """);
    Defaults.objects(SERVICE, put, stored, () -> services);

    assertThat(put.at("/spec/clusterIP")).isEqualTo(stored.at("/spec/clusterIP"));
    assertThat(put.at("/spec/clusterIPs")).isEqualTo(stored.at("/spec/clusterIPs"));
    assertThat(put.at("/spec/ports/0/nodePort")).isEqualTo(stored.at("/spec/ports/0/nodePort"));
  }

  @Test
  void switchingToClusterIpReleasesTheNodePortsTheServerAllocated() {
    ObjectNode stored = defaulted(SERVICE, "kind: Service\nmetadata: {name: web}\nspec: {type: NodePort, ports: [{port: 80}]}\n");
    ObjectNode applied = stored.deepCopy();
    ((ObjectNode) applied.get("spec")).put("type", "ClusterIP");
    Defaults.objects(SERVICE, applied, stored, () -> services);

    assertThat(applied.at("/spec/ports/0").has("nodePort")).isFalse();
    assertThat(applied.at("/spec").has("externalTrafficPolicy")).isFalse();
    assertThat(applied.at("/spec/clusterIP")).isEqualTo(stored.at("/spec/clusterIP"));
  }

  @Test
  void anAddressOrNodePortAnotherServiceHoldsIsRefusedAsTheServerDoes() {
    ObjectNode first = defaulted(SERVICE, "kind: Service\nmetadata: {name: a, namespace: n}\nspec: {type: NodePort, ports: [{port: 80}]}\n");
    services.add(first);
    String ip = first.at("/spec/clusterIP").asText();
    int nodePort = first.at("/spec/ports/0/nodePort").asInt();

    assertThatThrownBy(() -> defaulted(SERVICE, "kind: Service\nmetadata: {name: b, namespace: n}\nspec: {clusterIP: " + ip
        + ", ports: [{port: 80}]}\n"))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(422);
          assertThat(e.getMessage()).isEqualTo("Service \"b\" is invalid: spec.clusterIPs: Invalid value: []string{\"" + ip
              + "\"}: failed to allocate IP " + ip + ": provided IP is already allocated");
        });
    assertThatThrownBy(() -> defaulted(SERVICE, "kind: Service\nmetadata: {name: c, namespace: n}\nspec: {type: NodePort, "
        + "ports: [{port: 80, nodePort: " + nodePort + "}]}\n"))
        .hasMessage("Service \"c\" is invalid: spec.ports[0].nodePort: Invalid value: " + nodePort
            + ": provided port is already allocated");
    assertThatThrownBy(() -> defaulted(SERVICE, "kind: Service\nmetadata: {name: d, namespace: n}\nspec: {clusterIP: 10.0.0.10, "
        + "ports: [{port: 80}]}\n"))
        .hasMessageContaining("the provided IP (10.0.0.10) is not in the valid range. The range of valid IPs is 10.96.0.0/12");
  }

  @Test
  void aServiceIsNeverGivenAnAddressAnotherServiceHolds() {
    ObjectNode manifest = (ObjectNode) yaml("{kind: Service, metadata: {name: s}, spec: {ports: [{port: 80}]}}");
    for (int i = 0; i < 50; i++) {
      ObjectNode service = manifest.deepCopy();
      ((ObjectNode) service.get("metadata")).put("name", "s" + i);
      Defaults.objects(SERVICE, service, null, () -> services);
      services.add(service);
    }

    assertThat(services.stream().map(s -> s.at("/spec/clusterIP").asText()).distinct()).hasSize(50);
  }

  // ---- other kinds ------------------------------------------------------------------------------------------------

  @Test
  void otherBuiltInKindsGetTheirDefaults() {
    assertThat(defaulted(type("", "v1", "PersistentVolumeClaim", "persistentvolumeclaims"), """
        kind: PersistentVolumeClaim
        metadata: {name: data}
        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
        """)).isEqualTo(yaml("""
        kind: PersistentVolumeClaim
        metadata: {name: data}
        spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}, volumeMode: Filesystem}
        status: {phase: Pending}
        """));
    assertThat(defaulted(type("", "v1", "PersistentVolume", "persistentvolumes"), """
        kind: PersistentVolume
        metadata: {name: pv}
        spec: {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /data}}
        """).get("spec")).isEqualTo(yaml("""
        {capacity: {storage: 1Gi}, accessModes: [ReadWriteOnce], hostPath: {path: /data, type: ""},
         persistentVolumeReclaimPolicy: Retain, volumeMode: Filesystem}
        """));
    assertThat(defaulted(type("storage.k8s.io", "v1", "StorageClass", "storageclasses"),
        "kind: StorageClass\nmetadata: {name: fast}\nprovisioner: x.example.com\n"))
        .isEqualTo(yaml("{kind: StorageClass, metadata: {name: fast}, provisioner: x.example.com, reclaimPolicy: Delete, "
            + "volumeBindingMode: Immediate}"));
    assertThat(defaulted(type("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings"), """
        kind: RoleBinding
        metadata: {name: read}
        roleRef: {kind: ClusterRole, name: view}
        subjects: [{kind: User, name: ann}, {kind: ServiceAccount, name: ci, namespace: ci}]
        """)).isEqualTo(yaml("""
        kind: RoleBinding
        metadata: {name: read}
        roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
        subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: ann}, {kind: ServiceAccount, name: ci, namespace: ci}]
        """));
    assertThat(defaulted(type("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies"), """
        kind: NetworkPolicy
        metadata: {name: np}
        spec: {podSelector: {}, egress: [{ports: [{port: 53}]}]}
        """).get("spec")).isEqualTo(yaml("{podSelector: {}, egress: [{ports: [{port: 53, protocol: TCP}]}], policyTypes: [Ingress, Egress]}"));
    assertThat(defaulted(type("autoscaling", "v2", "HorizontalPodAutoscaler", "horizontalpodautoscalers"), """
        kind: HorizontalPodAutoscaler
        metadata: {name: web}
        spec: {scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}, maxReplicas: 5, behavior: {scaleDown: {stabilizationWindowSeconds: 60}}}
        """).get("spec")).isEqualTo(yaml("""
        scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
        maxReplicas: 5
        minReplicas: 1
        metrics: [{type: Resource, resource: {name: cpu, target: {type: Utilization, averageUtilization: 80}}}]
        behavior:
          scaleUp:
            stabilizationWindowSeconds: 0
            selectPolicy: Max
            policies: [{type: Pods, value: 4, periodSeconds: 15}, {type: Percent, value: 100, periodSeconds: 15}]
          scaleDown: {stabilizationWindowSeconds: 60, selectPolicy: Max, policies: [{type: Percent, value: 100, periodSeconds: 15}]}
        """));
    assertThat(defaulted(type("autoscaling", "v1", "HorizontalPodAutoscaler", "horizontalpodautoscalers"), """
        kind: HorizontalPodAutoscaler
        metadata: {name: web}
        spec: {scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 5}
        """).get("spec")).isEqualTo(yaml("{scaleTargetRef: {kind: Deployment, name: web}, maxReplicas: 5, minReplicas: 1, "
            + "targetCPUUtilizationPercentage: 80}"));
    assertThat(defaulted(type("", "v1", "LimitRange", "limitranges"), """
        kind: LimitRange
        metadata: {name: limits}
        spec: {limits: [{type: Container, max: {cpu: "2"}, min: {memory: 64Mi}}, {type: Pod, max: {cpu: "4"}}]}
        """).get("spec")).isEqualTo(yaml("""
        limits:
        - {type: Container, max: {cpu: "2"}, min: {memory: 64Mi}, default: {cpu: "2"}, defaultRequest: {cpu: "2", memory: 64Mi}}
        - {type: Pod, max: {cpu: "4"}}
        """));
    assertThat(defaulted(type("", "v1", "Secret", "secrets"), "kind: Secret\nmetadata: {name: s}\nstringData: {password: hunter2}\n"))
        .isEqualTo(yaml("{kind: Secret, metadata: {name: s}, data: {password: aHVudGVyMg==}, type: Opaque}"));
    ObjectNode configMap = (ObjectNode) yaml("{kind: ConfigMap, metadata: {name: c}}");
    assertThat(defaulted(type("", "v1", "ConfigMap", "configmaps"), "kind: ConfigMap\nmetadata: {name: c}\n")).isEqualTo(configMap);
  }

  @Test
  void aNamespaceGetsItsNameLabelAndFinalizerAndKeepsAPhaseItHas() {
    ResourceType namespaces = type("", "v1", "Namespace", "namespaces");
    ObjectNode created = defaulted(namespaces, "kind: Namespace\nmetadata: {name: shop}\n");
    ObjectNode terminating = created.deepCopy();
    ((ObjectNode) terminating.get("status")).put("phase", "Terminating");
    Defaults.objects(namespaces, terminating, created, () -> services);

    assertThat(created).isEqualTo(yaml("""
        kind: Namespace
        metadata: {name: shop, labels: {kubernetes.io/metadata.name: shop}}
        spec: {finalizers: [kubernetes]}
        status: {phase: Active}
        """));
    assertThat(terminating.at("/status/phase").asText()).isEqualTo("Terminating");
  }

  @Test
  void aCustomResourceDefinitionGetsItsNamesConversionAndStoredVersion() {
    ObjectNode crd = defaulted(type("apiextensions.k8s.io", "v1", "CustomResourceDefinition", "customresourcedefinitions"), """
        kind: CustomResourceDefinition
        metadata: {name: widgets.example.com}
        spec:
          group: example.com
          scope: Namespaced
          names: {kind: Widget, plural: widgets}
          versions: [{name: v1beta1, served: true, storage: false}, {name: v1, served: true, storage: true}]
        """);

    assertThat(crd.at("/spec/names")).isEqualTo(yaml("{kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}"));
    assertThat(crd.at("/spec/conversion")).isEqualTo(yaml("{strategy: None}"));
    assertThat(crd.at("/status/storedVersions")).isEqualTo(yaml("[v1]"));
  }

  @Test
  void aCustomResourceThatSharesABuiltInKindNameIsNotDefaulted() {
    String manifest = """
        apiVersion: example.com/v1
        kind: Deployment
        metadata: {name: mine}
        spec: {template: {spec: {containers: [{name: a, image: a}]}}}
        """;

    assertThat(defaulted(type("example.com", "v1", "Deployment", "deployments"), manifest)).isEqualTo(yaml(manifest));
  }

  // ---- helpers ----------------------------------------------------------------------------------------------------

  private ObjectNode defaulted(ResourceType type, String manifest) {
    ObjectNode object = (ObjectNode) yaml(manifest);
    Defaults.objects(type, object, null, () -> services);
    return object;
  }

  private static ResourceType type(String group, String version, String kind, String plural) {
    return new ResourceType(group, version, kind, plural, true, false, false, List.of());
  }

  private static JsonNode yaml(String text) {
    try {
      return Json.YAML.readTree(text);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(text, e);
    }
  }

  private static boolean inServiceCidr(String ip) {
    String[] octets = ip.split("\\.");
    int second = Integer.parseInt(octets[1]);
    return octets[0].equals("10") && second >= 96 && second <= 111;
  }
}
