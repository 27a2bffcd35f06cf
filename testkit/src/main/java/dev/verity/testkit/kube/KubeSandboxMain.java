package dev.verity.testkit.kube;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Serves a {@link KubeSandbox} until killed, for the local stack.
 *
 * <pre>java ... dev.verity.testkit.kube.KubeSandboxMain [--port=6443] [--kubeconfig=kube-sandbox/kubeconfig]
 *     [--crd-established-after=1000] [--namespace-terminated-after=300] [--controllers=all|none]</pre>
 *
 * The port defaults to 6443 when it is free, else any free port; the kubeconfig (plain HTTP, context
 * {@code verity-sandbox}) is written to the given path. The two delays (milliseconds or ISO-8601, see
 * {@link Lifecycle}) default to the system properties {@value Lifecycle#CRD_PROPERTY} and
 * {@value Lifecycle#NAMESPACE_PROPERTY}, else 1 s and 300 ms. Prints {@code KubeSandbox ready} once it serves. Faults and the
 * request log are served as JSON under {@code /sandbox} on the same port (see {@link SandboxControl}).
 * {@code --controllers=none} serves a bare API server (no simulated controller writes anything, see
 * {@link KubeSandbox.Controllers#NONE}); {@code all}, the default, runs the simulated rollout and namespace controller.
 */
public final class KubeSandboxMain {

  private KubeSandboxMain() {
  }

  public static void main(String[] args) throws InterruptedException {
    Integer port = null;
    Path kubeconfig = Path.of("kube-sandbox", "kubeconfig");
    java.time.Duration crdDelay = null;
    java.time.Duration namespaceDelay = null;
    KubeSandbox.Controllers controllers = KubeSandbox.Controllers.ALL;
    String usage = "usage: KubeSandboxMain [--port=<port>] [--kubeconfig=<path>] [--crd-established-after=<ms|ISO-8601>]"
        + " [--namespace-terminated-after=<ms|ISO-8601>] [--controllers=all|none]\n"
        + "  --controllers=all   simulated workload rollouts and namespace deletion, as kube-controller-manager (default)\n"
        + "  --controllers=none  a bare API server: no simulated controller writes anything";
    for (String arg : args) {
      if (arg.startsWith("--port=")) {
        port = Integer.parseInt(arg.substring("--port=".length()));
      } else if (arg.startsWith("--kubeconfig=")) {
        kubeconfig = Path.of(arg.substring("--kubeconfig=".length()));
      } else if (arg.startsWith("--crd-established-after=")) {
        crdDelay = delay(arg, usage);
      } else if (arg.startsWith("--namespace-terminated-after=")) {
        namespaceDelay = delay(arg, usage);
      } else if (arg.startsWith("--controllers=")) {
        try {
          controllers = KubeSandbox.Controllers.parse(arg.substring("--controllers=".length()));
        } catch (IllegalArgumentException e) {
          System.err.println("KubeSandboxMain: " + e.getMessage() + "; " + usage);
          System.exit(2);
        }
      } else if (arg.equals("--help") || arg.equals("-h")) {
        System.out.println(usage);
        return;
      } else {
        System.err.println("KubeSandboxMain: unknown argument '" + arg + "'; " + usage);
        System.exit(2);
      }
    }
    KubeSandbox sandbox = KubeSandbox.start(port != null ? port : defaultPort(), controllers);
    if (crdDelay != null) {
      sandbox.lifecycle().crdEstablishedAfter(crdDelay);
    }
    if (namespaceDelay != null) {
      sandbox.lifecycle().namespaceTerminatedAfter(namespaceDelay);
    }
    Path written = sandbox.writeKubeconfig(kubeconfig).toAbsolutePath();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sandbox.close();
      stopped.countDown();
    }, "kube-sandbox-shutdown"));
    System.out.println("KubeSandbox serving the Kubernetes API at " + sandbox.url()
        + (controllers == KubeSandbox.Controllers.NONE ? " (bare: no controllers)" : ""));
    System.out.println("kubeconfig: " + written);
    System.out.println("  try: kubectl --kubeconfig " + written + " get namespaces");
    System.out.println("faults and request log: " + sandbox.controlUrl() + "  (try: curl " + sandbox.controlUrl() + ")");
    System.out.println("KubeSandbox ready");
    System.out.flush();
    stopped.await();
  }

  private static java.time.Duration delay(String arg, String usage) {
    String name = arg.substring(2, arg.indexOf('='));
    try {
      return Lifecycle.parse(name, arg.substring(arg.indexOf('=') + 1));
    } catch (IllegalArgumentException e) {
      System.err.println("KubeSandboxMain: " + e.getMessage() + "; " + usage);
      System.exit(2);
      return null;
    }
  }

  private static int defaultPort() {
    try (ServerSocket socket = new ServerSocket(6443, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException busy) {
      return 0;
    }
  }
}
