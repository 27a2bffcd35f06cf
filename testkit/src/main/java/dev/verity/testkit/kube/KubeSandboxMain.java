package dev.verity.testkit.kube;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Serves a {@link KubeSandbox} until killed, for the local stack.
 *
 * <pre>java ... dev.verity.testkit.kube.KubeSandboxMain [--port=6443] [--kubeconfig=kube-sandbox/kubeconfig]</pre>
 *
 * The port defaults to 6443 when it is free, else any free port; the kubeconfig (plain HTTP, context
 * {@code verity-sandbox}) is written to the given path. Prints {@code KubeSandbox ready} once it serves. Faults and the
 * request log are served as JSON under {@code /sandbox} on the same port (see {@link SandboxControl}).
 */
public final class KubeSandboxMain {

  private KubeSandboxMain() {
  }

  public static void main(String[] args) throws InterruptedException {
    Integer port = null;
    Path kubeconfig = Path.of("kube-sandbox", "kubeconfig");
    for (String arg : args) {
      if (arg.startsWith("--port=")) {
        port = Integer.parseInt(arg.substring("--port=".length()));
      } else if (arg.startsWith("--kubeconfig=")) {
        kubeconfig = Path.of(arg.substring("--kubeconfig=".length()));
      } else if (arg.equals("--help") || arg.equals("-h")) {
        System.out.println("usage: KubeSandboxMain [--port=<port>] [--kubeconfig=<path>]");
        return;
      } else {
        System.err.println("KubeSandboxMain: unknown argument '" + arg + "'; usage: [--port=<port>] [--kubeconfig=<path>]");
        System.exit(2);
      }
    }
    KubeSandbox sandbox = KubeSandbox.start(port != null ? port : defaultPort());
    Path written = sandbox.writeKubeconfig(kubeconfig).toAbsolutePath();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      sandbox.close();
      stopped.countDown();
    }, "kube-sandbox-shutdown"));
    System.out.println("KubeSandbox serving the Kubernetes API at " + sandbox.url());
    System.out.println("kubeconfig: " + written);
    System.out.println("  try: kubectl --kubeconfig " + written + " get namespaces");
    System.out.println("faults and request log: " + sandbox.controlUrl() + "  (try: curl " + sandbox.controlUrl() + ")");
    System.out.println("KubeSandbox ready");
    System.out.flush();
    stopped.await();
  }

  private static int defaultPort() {
    try (ServerSocket socket = new ServerSocket(6443, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException busy) {
      return 0;
    }
  }
}
