package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The sandbox's scale benchmark (never a test): the p99 round trip of a fabric8 server-side apply of a Deployment-size
 * object against an empty sandbox and against one holding 10,000 objects with 50 open watches, both in this JVM.
 * Run it with {@code ./mvnw -B -q -pl testkit -am -Pkube-benchmark -DskipTests test} (see the README); arguments
 * {@code objects watches applies} override 10000, 50 and 3000.
 *
 * <p>The loaded sandbox holds Deployments (a fifth) and ConfigMaps across 100 namespaces; every watch is a WebSocket watch of
 * Deployments in all namespaces from the current resourceVersion (as an informer opens it after its list), so each
 * apply and each simulated rollout status write fans out to all 50. The watch clients only drain their sockets, so that
 * their own cost on the shared CPU stays small. Applies alternate one by one between the two sandboxes after a warm-up,
 * so that both see the same machine.
 */
public final class ApplyBenchmark {

  private ApplyBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    int objects = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    int watchCount = args.length > 1 ? Integer.parseInt(args[1]) : 50;
    int applies = args.length > 2 ? Integer.parseInt(args[2]) : 3_000;
    try (KubeSandbox empty = KubeSandbox.start(); KubeSandbox loaded = KubeSandbox.start()) {
      long seeding = System.nanoTime();
      seed(loaded, objects);
      System.out.printf(Locale.ROOT, "seeded %d objects in %d ms%n", objects, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - seeding));
      String rv = String.valueOf(loaded.api().store().resourceVersion());
      List<DrainingWatch> watches = new ArrayList<>();
      for (int i = 0; i < watchCount; i++) {
        watches.add(new DrainingWatch(loaded.port(), "/apis/apps/v1/deployments?watch=true&resourceVersion=" + rv));
      }
      while (loaded.openWatches() < watchCount) {
        Thread.sleep(10);
      }
      try (KubernetesClient emptyClient = empty.newClient(); KubernetesClient loadedClient = loaded.newClient()) {
        Bench onEmpty = new Bench(emptyClient);
        Bench onLoaded = new Bench(loadedClient);
        for (int i = 0; i < applies / 5; i++) {
          onEmpty.apply(false);
          onLoaded.apply(false);
        }
        long gcBefore = gcMillis();
        for (int i = 0; i < applies; i++) {
          onEmpty.apply(true);
          onLoaded.apply(true);
        }
        long gc = gcMillis() - gcBefore;
        double emptyP99 = onEmpty.percentile(99);
        double loadedP99 = onLoaded.percentile(99);
        System.out.printf(Locale.ROOT, "server-side apply of a Deployment (fabric8, field manager verity, each a new version),"
            + " %d applies each, alternating, same JVM%n", onEmpty.samples.size());
        System.out.printf(Locale.ROOT, "  empty sandbox:                       p50 %6.2f ms   p90 %6.2f ms   p99 %6.2f ms%n",
            onEmpty.percentile(50), onEmpty.percentile(90), emptyP99);
        System.out.printf(Locale.ROOT, "  %,d objects, %d open watches:    p50 %6.2f ms   p90 %6.2f ms   p99 %6.2f ms%n",
            loaded.api().store().keys().size(), loaded.openWatches(), onLoaded.percentile(50), onLoaded.percentile(90), loadedP99);
        long bytes = watches.stream().mapToLong(DrainingWatch::bytes).sum();
        System.out.printf(Locale.ROOT, "  p99 ratio loaded/empty: %.2fx   (watch bytes delivered: %,d; GC during the measured applies: %d ms;"
            + " load average: %.1f)%n", loadedP99 / emptyP99, bytes, gc,
            java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
      } finally {
        watches.forEach(DrainingWatch::close);
      }
    }
  }

  private static long gcMillis() {
    return java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(java.lang.management.GarbageCollectorMXBean::getCollectionTime).sum();
  }

  /** Stores {@code count} objects (a fifth Deployments, the rest ConfigMaps) in 100 namespaces, without HTTP. */
  private static void seed(KubeSandbox sandbox, int count) {
    SandboxApi api = sandbox.api();
    ResourceTypes types = api.types();
    ResourceType namespaces = types.byPlural("", "v1", "namespaces").orElseThrow();
    ResourceType deployments = types.byPlural("apps", "v1", "deployments").orElseThrow();
    ResourceType configMaps = types.byPlural("", "v1", "configmaps").orElseThrow();
    for (int n = 0; n < 100; n++) {
      ObjectNode namespace = Json.object();
      namespace.putObject("metadata").put("name", String.format(Locale.ROOT, "ns-%03d", n));
      api.create(namespaces, null, namespace, "seed", false);
    }
    for (int i = 0; i < count; i++) {
      String namespace = String.format(Locale.ROOT, "ns-%03d", i % 100);
      String name = String.format(Locale.ROOT, "obj-%05d", i);
      if (i % 5 == 0) {
        ObjectNode deployment = (ObjectNode) Json.MAPPER.valueToTree(deployment(namespace, name, "1.0"));
        api.create(deployments, namespace, deployment, "seed", false);
      } else {
        ObjectNode configMap = Json.object();
        configMap.put("apiVersion", "v1").put("kind", "ConfigMap");
        configMap.putObject("metadata").put("name", name);
        ObjectNode data = configMap.putObject("data");
        for (int k = 0; k < 10; k++) {
          data.put("key-" + k, "value-" + k + "-" + name);
        }
        api.create(configMaps, namespace, configMap, "seed", false);
      }
    }
  }

  /** A Deployment of the size Verity applies: two containers with ports, env, resources, probes and mounts. */
  static Deployment deployment(String namespace, String name, String version) {
    return new DeploymentBuilder()
        .withNewMetadata().withName(name).withNamespace(namespace)
          .addToLabels("app.kubernetes.io/name", name).addToLabels("app.kubernetes.io/part-of", "bench")
          .addToAnnotations("verity.dev/target", "bench/" + name + "/prod").endMetadata()
        .withNewSpec().withReplicas(3)
          .withNewSelector().addToMatchLabels("app.kubernetes.io/name", name).endSelector()
          .withNewTemplate()
            .withNewMetadata().addToLabels("app.kubernetes.io/name", name).addToLabels("version", version).endMetadata()
            .withNewSpec()
              .addNewContainer().withName("app").withImage("registry.example.com/shop/" + name + ":" + version)
                .addNewPort().withName("http").withContainerPort(8080).endPort()
                .addNewPort().withName("metrics").withContainerPort(9090).endPort()
                .addNewEnv().withName("LOG_LEVEL").withValue("info").endEnv()
                .addNewEnv().withName("VERSION").withValue(version).endEnv()
                .addNewEnv().withName("DATABASE_URL").withValue("postgres://db:5432/shop").endEnv()
                .withNewResources().addToRequests("cpu", new io.fabric8.kubernetes.api.model.Quantity("100m"))
                  .addToRequests("memory", new io.fabric8.kubernetes.api.model.Quantity("128Mi"))
                  .addToLimits("memory", new io.fabric8.kubernetes.api.model.Quantity("256Mi")).endResources()
                .withNewReadinessProbe().withNewHttpGet().withPath("/ready")
                  .withPort(new io.fabric8.kubernetes.api.model.IntOrString("http")).endHttpGet().endReadinessProbe()
                .addNewVolumeMount().withName("config").withMountPath("/etc/shop").endVolumeMount()
              .endContainer()
              .addNewContainer().withName("sidecar").withImage("registry.example.com/proxy:2.1")
                .addNewPort().withName("proxy").withContainerPort(15001).endPort()
              .endContainer()
              .addNewVolume().withName("config").withNewConfigMap().withName(name + "-config").endConfigMap().endVolume()
            .endSpec()
          .endTemplate()
        .endSpec()
        .build();
  }

  /** Applies rotating over 50 Deployments of namespace {@code bench}, each a new version, so every apply writes. */
  private static final class Bench {
    private final KubernetesClient client;
    private final List<Double> samples = new ArrayList<>();
    private int sequence;

    Bench(KubernetesClient client) {
      this.client = client;
      client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("bench").endMetadata().build()).create();
    }

    void apply(boolean record) {
      int n = sequence++;
      Deployment deployment = deployment("bench", "web-" + (n % 50), "1." + n);
      long started = System.nanoTime();
      client.apps().deployments().inNamespace("bench").resource(deployment).fieldManager("verity").forceConflicts().serverSideApply();
      long took = System.nanoTime() - started;
      if (record) {
        samples.add(took / 1_000_000.0);
      }
    }

    double percentile(int p) {
      double[] sorted = samples.stream().mapToDouble(Double::doubleValue).toArray();
      Arrays.sort(sorted);
      int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
      return sorted[Math.max(0, Math.min(index, sorted.length - 1))];
    }
  }

  /**
   * A watch client that opens the WebSocket as fabric8 does and then only drains its socket, counting bytes: the
   * watchers are not what is measured, so they cost the shared CPU as little as a client can.
   */
  private static final class DrainingWatch {
    private final Socket socket;
    private final AtomicLong bytes = new AtomicLong();

    DrainingWatch(int port, String path) throws IOException {
      socket = new Socket(InetAddress.getLoopbackAddress(), port);
      String key = Base64.getEncoder().encodeToString(UUID.randomUUID().toString().substring(0, 16).getBytes(StandardCharsets.US_ASCII));
      OutputStream out = socket.getOutputStream();
      out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
          + "Sec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = socket.getInputStream();
      StringBuilder status = new StringBuilder();
      for (int c = in.read(); c != '\n' && c >= 0; c = in.read()) {
        status.append((char) c);
      }
      if (!status.toString().contains(" 101 ")) {
        throw new IOException("the watch " + path + " was not upgraded: " + status);
      }
      Thread drain = new Thread(() -> {
        byte[] buffer = new byte[64 * 1024];
        try {
          for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
            bytes.addAndGet(read);
          }
        } catch (IOException closed) {
          // the benchmark is over
        }
      }, "bench-watch-drain");
      drain.setDaemon(true);
      drain.start();
    }

    long bytes() {
      return bytes.get();
    }

    void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
