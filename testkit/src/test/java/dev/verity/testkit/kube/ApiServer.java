package dev.verity.testkit.kube;

import io.fabric8.kubernetes.client.KubernetesClient;

import java.nio.file.Path;

/** The API server a contract runs against: the sandbox or a real cluster. */
interface ApiServer {

  KubernetesClient client();

  /** A kubeconfig file for the server, for kubectl. */
  Path kubeconfig();
}
