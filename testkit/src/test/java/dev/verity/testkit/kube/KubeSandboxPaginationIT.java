package dev.verity.testkit.kube;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ConfigMapList;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** Paginated lists over HTTP, as fabric8 (plain lists and informers) and kubectl ({@code --chunk-size}) page them. */
class KubeSandboxPaginationIT {

  @RegisterExtension
  static final SandboxFixture SANDBOX = new SandboxFixture("paging");
  private String ns;

  @BeforeEach
  void namespaceWithFiveConfigMaps() {
    ns = SANDBOX.namespace();
    for (int i = 0; i < 5; i++) {
      client().configMaps().inNamespace(ns).resource(configMap("cm-" + i)).create();
    }
  }

  private static KubernetesClient client() {
    return SANDBOX.client();
  }

  private static ConfigMap configMap(String name) {
    return new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata().addToData("k", "v").build();
  }

  @Test
  void fabric8PagesThroughAListWithLimitAndContinue() {
    ConfigMapList first = client().configMaps().inNamespace(ns).list(new ListOptionsBuilder().withLimit(2L).build());
    assertThat(first.getItems()).extracting(c -> c.getMetadata().getName()).containsExactly("cm-0", "cm-1");
    assertThat(first.getMetadata().getContinue()).isNotBlank();
    assertThat(first.getMetadata().getRemainingItemCount()).isEqualTo(3L);

    client().configMaps().inNamespace(ns).withName("cm-4").delete();
    List<String> names = new ArrayList<>(first.getItems().stream().map(c -> c.getMetadata().getName()).toList());
    String token = first.getMetadata().getContinue();
    while (token != null && !token.isEmpty()) {
      ConfigMapList page = client().configMaps().inNamespace(ns).list(new ListOptionsBuilder().withLimit(2L).withContinue(token).build());
      assertThat(page.getMetadata().getResourceVersion()).isEqualTo(first.getMetadata().getResourceVersion());
      page.getItems().forEach(c -> names.add(c.getMetadata().getName()));
      token = page.getMetadata().getContinue();
    }
    assertThat(names).as("the pages read the first page's snapshot").containsExactly("cm-0", "cm-1", "cm-2", "cm-3", "cm-4");
  }

  @Test
  void aPagedListAcrossNamespacesContinuesAtTheRightNamespace() {
    List<String> seen = new ArrayList<>();
    String token = null;
    do {
      ConfigMapList page = client().configMaps().inAnyNamespace().list(new ListOptionsBuilder().withLimit(3L).withContinue(token).build());
      page.getItems().forEach(c -> seen.add(c.getMetadata().getNamespace() + "/" + c.getMetadata().getName()));
      token = page.getMetadata().getContinue();
    } while (token != null && !token.isEmpty());
    assertThat(seen).containsSubsequence(ns + "/cm-0", ns + "/cm-1", ns + "/cm-2", ns + "/cm-3", ns + "/cm-4");
    assertThat(seen).isSorted().doesNotHaveDuplicates();
  }

  @Test
  void aFabric8InformerWithALimitListsPageByPageAndThenWatches() {
    SharedIndexInformer<ConfigMap> informer = client().configMaps().inNamespace(ns).withLimit(2L).inform();
    try {
      await().atMost(Duration.ofSeconds(20)).until(informer::hasSynced);
      assertThat(informer.getStore().list()).hasSize(5);
      assertThat(SANDBOX.sandbox().requests().matching(RequestMatch.of("list", "configmaps").inNamespace(ns)))
          .extracting(LoggedRequest::query)
          .anySatisfy(query -> assertThat(query).contains("continue=").contains("limit=2"));
      client().configMaps().inNamespace(ns).resource(configMap("cm-5")).create();
      await().atMost(Duration.ofSeconds(20)).until(() -> informer.getStore().list().size() == 6);
    } finally {
      informer.close();
    }
  }

  @Test
  void kubectlGetWithChunkSizeFetchesEveryChunk() throws Exception {
    Kubectl.Result result = Kubectl.run(SANDBOX.sandbox().kubeconfig(), "get", "configmaps", "-n", ns, "--chunk-size=2", "-o", "name");
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output().lines().toList())
        .containsExactly("configmap/cm-0", "configmap/cm-1", "configmap/cm-2", "configmap/cm-3", "configmap/cm-4");
    List<LoggedRequest> lists = SANDBOX.sandbox().requests().matching(RequestMatch.of("list", "configmaps").inNamespace(ns));
    assertThat(lists).hasSize(3).allSatisfy(r -> assertThat(r.query()).contains("limit=2"));

    Kubectl.Result table = Kubectl.run(SANDBOX.sandbox().kubeconfig(), "get", "configmaps", "-n", ns, "--chunk-size=2");
    assertThat(table.exitCode()).as(table.output()).isZero();
    assertThat(table.output()).contains("cm-0").contains("cm-4");
  }

  @Test
  void aContinueTokenOlderThanTheHistoryIs410ExpiredWithAnInconsistentToken() {
    ConfigMapList first = client().configMaps().inNamespace(ns).list(new ListOptionsBuilder().withLimit(2L).build());
    client().configMaps().inNamespace(ns).resource(configMap("cm-9")).create();
    SANDBOX.sandbox().faults().compactHistory();
    assertThatThrownBy(() -> client().configMaps().inNamespace(ns)
        .list(new ListOptionsBuilder().withLimit(2L).withContinue(first.getMetadata().getContinue()).build()))
        .isInstanceOfSatisfying(KubernetesClientException.class, e -> {
          assertThat(e.getCode()).isEqualTo(410);
          assertThat(e.getStatus().getReason()).isEqualTo("Expired");
          String inconsistent = e.getStatus().getMetadata().getContinue();
          assertThat(inconsistent).isNotBlank();
          ConfigMapList rest = client().configMaps().inNamespace(ns)
              .list(new ListOptionsBuilder().withLimit(10L).withContinue(inconsistent).build());
          assertThat(rest.getItems()).extracting(c -> c.getMetadata().getName()).containsExactly("cm-2", "cm-3", "cm-4", "cm-9");
        });
  }
}
