package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Paginated lists without HTTP. The cases marked with a Go test name transcribe the requests and the asserted outcomes
 * of {@code test/integration/apiserver/apiserver_test.go} in kubernetes/kubernetes at commit 8203f8728c5e (the
 * watch-cache-enabled runs: the sandbox models a server with its watch cache).
 */
class ListPaginationTest {

  private static final Predicate<JsonNode> ALL = object -> true;

  private ObjectStore store;
  private SandboxApi api;
  private ResourceType replicaSets;

  @BeforeEach
  void sandboxApi() {
    store = new ObjectStore();
    ResourceTypes types = new ResourceTypes();
    api = new SandboxApi(store, types);
    replicaSets = types.byPlural("apps", "v1", "replicasets").orElseThrow();
    ResourceType namespaces = types.byPlural("", "v1", "namespaces").orElseThrow();
    for (String ns : List.of("list-options", "a", "a-b", "b")) {
      ObjectNode namespace = Json.object();
      namespace.putObject("metadata").put("name", ns);
      api.create(namespaces, null, namespace, "test", false);
    }
  }

  private ObjectNode createRs(String namespace, String name, String oddIndex) {
    ObjectNode rs = Json.object();
    rs.put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
    ObjectNode meta = rs.putObject("metadata");
    meta.put("name", name);
    if (oddIndex != null) {
      meta.putObject("labels").put("odd-index", oddIndex);
    }
    rs.putObject("spec").putObject("selector").putObject("matchLabels").put("app", "x");
    return api.create(replicaSets, namespace, rs, "test", false).body();
  }

  private ObjectNode list(String namespace, ListRequest options) {
    return api.list(replicaSets, namespace, ALL, options);
  }

  private static List<String> names(ObjectNode list) {
    List<String> names = new ArrayList<>();
    list.path("items").forEach(item -> names.add(item.path("metadata").path("name").asText()));
    return names;
  }

  // ---- TestListOptions (watchCacheEnabled=true) ------------------------------------------------------------------

  static final String INVALID_CONTINUE = "invalidContinueToken";
  static final String INVALID_RV = "invalid";
  static final String INVALID_MATCH = "InvalidMatch";

  static Stream<Arguments> listOptions() {
    List<Arguments> cases = new ArrayList<>();
    for (long limit : new long[] {0, 6}) {
      for (String continueToken : new String[] {"", "valid", INVALID_CONTINUE}) {
        for (String rv : new String[] {"", "0", "compacted", INVALID_RV}) {
          for (String match : new String[] {"", "NotOlderThan", "Exact", INVALID_MATCH}) {
            cases.add(Arguments.of(limit, continueToken, rv, match));
          }
        }
      }
    }
    return cases.stream();
  }

  /** TestListOptions' fixture, built once: 15 ReplicaSets, the first 5 deleted, then the history compacted. */
  private static ListPaginationTest listOptionsFixture;
  private static String compactedRv;
  private static String validContinue;

  private static synchronized ListPaginationTest listOptionsFixture() {
    if (listOptionsFixture == null) {
      ListPaginationTest fixture = new ListPaginationTest();
      fixture.sandboxApi();
      for (int i = 0; i < 15; i++) {
        ObjectNode created = fixture.createRs("list-options", "test-" + i, null);
        if (i == 0) {
          compactedRv = created.path("metadata").path("resourceVersion").asText();
        }
        if (i < 5) {
          fixture.api.delete(fixture.replicaSets, "list-options", "test-" + i, false, null, null);
        }
      }
      fixture.store.compact();
      validContinue = fixture.list("list-options", new ListRequest(6, "", "", "", false)).path("metadata").path("continue").asText();
      listOptionsFixture = fixture;
    }
    return listOptionsFixture;
  }

  @ParameterizedTest(name = "TestListOptions limit={0} continue={1} rv={2} rvMatch={3}")
  @MethodSource("listOptions")
  void listOptionsAsTheApiServerAnswersThem(long limit, String continueName, String rvName, String match) {
    ListPaginationTest fixture = listOptionsFixture();
    String continueToken = switch (continueName) {
      case "valid" -> validContinue;
      case "" -> "";
      default -> INVALID_CONTINUE;
    };
    String rv = rvName.equals("compacted") ? compactedRv : rvName;
    ListRequest options = new ListRequest(limit, continueToken, rv, match, false);

    String expectedError = expectedError(limit, continueToken, rv, match, compactedRv);
    if (expectedError != null) {
      assertThatThrownBy(() -> fixture.list("list-options", options)).isInstanceOf(ApiException.class).hasMessageContaining(expectedError);
      return;
    }
    int count = fixture.list("list-options", options).path("items").size();
    boolean isExact = match.equals("Exact");
    boolean hasContinuation = !continueToken.isEmpty();
    boolean hasLimit = limit > 0 && !rv.equals("0");
    boolean usingWatchCache = !(rv.isEmpty() || hasContinuation || hasLimit || isExact);
    if (usingWatchCache) {
      assertThat(count).isEqualTo(10);
    } else if (hasContinuation) {
      assertThat(count).isEqualTo(4);
    } else if (limit > 0) {
      assertThat(count).isEqualTo((int) limit);
    } else {
      assertThat(count).isEqualTo(10);
    }
  }

  /** The error testListOptionsCase expects, in its order of checks (null: success). */
  private static String expectedError(long limit, String continueToken, String rv, String match, String compactedRv) {
    if (rv.isEmpty() && !match.isEmpty()) {
      return "resourceVersionMatch is forbidden unless resourceVersion is provided";
    }
    if (!continueToken.isEmpty() && !match.isEmpty()) {
      return "resourceVersionMatch is forbidden when continue is provided";
    }
    if (match.equals(INVALID_MATCH)) {
      return "supported values";
    }
    if (match.equals("Exact") && rv.equals("0")) {
      return "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"";
    }
    if (rv.equals(INVALID_RV)) {
      return "Invalid value";
    }
    if (continueToken.equals(INVALID_CONTINUE)) {
      return "continue key is not valid";
    }
    if (!continueToken.isEmpty() && !(rv.isEmpty() || rv.equals("0"))) {
      return "specifying resource version is not allowed when using continue";
    }
    boolean isExact = match.equals("Exact");
    boolean isLegacyExact = limit > 0 && match.isEmpty();
    if (rv.equals(compactedRv) && (isExact || isLegacyExact)) {
      return "The resourceVersion for the provided list is too old";
    }
    return null;
  }

  // ---- TestListResourceVersion0, TestAPIListChunking, TestAPIListChunkingWithLabelSelector -------------------------

  /** client-go's ListPager: pages of options.limit (else pageSize) until no continue; the last page's list metadata. */
  private List<ObjectNode> pager(String namespace, Predicate<JsonNode> filter, ListRequest first, long pageSize,
      Runnable afterSecondCall) {
    List<ObjectNode> pages = new ArrayList<>();
    long limit = first.limit() == 0 ? pageSize : first.limit();
    String continueToken = "";
    while (true) {
      ListRequest options = new ListRequest(limit, continueToken, continueToken.isEmpty() ? first.resourceVersion() : "",
          "", first.selective());
      ObjectNode page = api.list(replicaSets, namespace, filter, options);
      pages.add(page);
      if (pages.size() == 2 && afterSecondCall != null) {
        afterSecondCall.run();
      }
      continueToken = page.path("metadata").path("continue").asText("");
      if (continueToken.isEmpty()) {
        return pages;
      }
    }
  }

  @Test
  void listResourceVersion0IsServedWholeFromTheWatchCache() {
    // TestListResourceVersion0 (watchCacheOn): a pager of 3 with resourceVersion "0" gets all 10 at once
    for (int i = 0; i < 10; i++) {
      createRs("list-options", "test-" + i, null);
    }
    List<ObjectNode> pages = pager("list-options", ALL, new ListRequest(0, "", "0", "", false), 3, null);
    assertThat(pages).hasSize(1);
    assertThat(pages.get(0).path("items")).hasSize(10);
  }

  @Test
  void apiListChunkingReadsTheSnapshotOfTheFirstPage() {
    // TestAPIListChunking: 4 objects, pages of 1, a fifth created after the second call is not listed
    for (int i = 0; i < 4; i++) {
      createRs("list-options", "test-" + i, null);
    }
    List<ObjectNode> pages = pager("list-options", ALL, ListRequest.ALL, 1, () -> createRs("list-options", "test-5", null));
    assertThat(pages).hasSize(4);
    String firstRv = pages.get(0).path("metadata").path("resourceVersion").asText();
    ObjectNode last = pages.get(pages.size() - 1);
    assertThat(last.path("metadata").has("continue")).isFalse();
    assertThat(last.path("metadata").path("resourceVersion").asText()).isEqualTo(firstRv);
    assertThat(pages.stream().flatMap(p -> names(p).stream()).toList()).containsExactly("test-0", "test-1", "test-2", "test-3");
  }

  @Test
  void apiListChunkingWithLabelSelectorFillsPagesWithMatchingObjects() {
    // TestAPIListChunkingWithLabelSelector: odd-index=true, limit 3 over 10 objects: 2 calls, test-1,3,5,7,9
    for (int i = 0; i < 10; i++) {
      createRs("list-options", "test-" + i, String.valueOf(i % 2 != 0));
    }
    List<ObjectNode> pages = pager("list-options", Selector.labels("odd-index=true"), new ListRequest(3, "", "", "", true), 1, null);
    assertThat(pages).hasSize(2);
    assertThat(pages.get(1).path("metadata").has("continue")).isFalse();
    assertThat(pages.get(1).path("metadata").path("resourceVersion").asText())
        .isEqualTo(pages.get(0).path("metadata").path("resourceVersion").asText());
    assertThat(pages.stream().flatMap(p -> names(p).stream()).toList())
        .containsExactly("test-1", "test-3", "test-5", "test-7", "test-9");
  }

  // ---- the sandbox's own cases ---------------------------------------------------------------------------------

  @Test
  void itemsAreOrderedByTheirEtcdKeyNamespaceSlashName() {
    createRs("b", "x", null);
    createRs("a", "z", null);
    createRs("a-b", "y", null);
    ObjectNode all = list(null, ListRequest.ALL);
    // "a-b/y" < "a/z" byte-wise ('-' is 0x2d, '/' is 0x2f), as etcd orders /registry/replicasets/<ns>/<name>
    assertThat(all.path("items").findValuesAsText("namespace")).containsExactly("a-b", "a", "b");
  }

  @Test
  void aPageSaysWhatRemainsAndTheContinueTokenResumesAfterItsLastItem() {
    for (int i = 0; i < 5; i++) {
      createRs("a", "rs-" + i, null);
    }
    ObjectNode first = list("a", new ListRequest(2, "", "", "", false));
    assertThat(names(first)).containsExactly("rs-0", "rs-1");
    assertThat(first.path("metadata").path("remainingItemCount").asLong()).isEqualTo(3);
    ContinueToken token = ContinueToken.decode(first.path("metadata").path("continue").asText());
    assertThat(token.start()).isEqualTo("rs-1\0");
    assertThat(String.valueOf(token.resourceVersion())).isEqualTo(first.path("metadata").path("resourceVersion").asText());

    api.delete(replicaSets, "a", "rs-3", false, null, null);
    ObjectNode second = list("a", new ListRequest(2, first.path("metadata").path("continue").asText(), "", "", false));
    assertThat(names(second)).as("the snapshot still has rs-3").containsExactly("rs-2", "rs-3");
    assertThat(second.path("metadata").path("remainingItemCount").asLong()).isEqualTo(1);
    ObjectNode third = list("a", new ListRequest(2, second.path("metadata").path("continue").asText(), "", "", false));
    assertThat(names(third)).containsExactly("rs-4");
    assertThat(third.path("metadata").has("continue")).isFalse();
    assertThat(third.path("metadata").has("remainingItemCount")).isFalse();
  }

  @Test
  void aSelectiveListHasNoRemainingItemCount() {
    for (int i = 0; i < 4; i++) {
      createRs("a", "rs-" + i, "true");
    }
    ObjectNode page = api.list(replicaSets, "a", Selector.labels("odd-index=true"), new ListRequest(2, "", "", "", true));
    assertThat(page.path("metadata").has("continue")).isTrue();
    assertThat(page.path("metadata").has("remainingItemCount")).isFalse();
  }

  @Test
  void aContinuationFromACompactedSnapshotIs410WithATokenThatContinuesInconsistently() {
    for (int i = 0; i < 4; i++) {
      createRs("a", "rs-" + i, null);
    }
    ObjectNode first = list("a", new ListRequest(2, "", "", "", false));
    createRs("a", "rs-9", null);
    store.compact();
    String token = first.path("metadata").path("continue").asText();
    assertThatThrownBy(() -> list("a", new ListRequest(2, token, "", "", false)))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(410);
          assertThat(e.reason()).isEqualTo("Expired");
          assertThat(e.getMessage()).startsWith("The provided continue parameter is too old to display a consistent list result.");
          String inconsistent = e.toStatus().path("metadata").path("continue").asText();
          assertThat(ContinueToken.decode(inconsistent).resourceVersion()).isEqualTo(-1);
          ObjectNode rest = list("a", new ListRequest(10, inconsistent, "", "", false));
          assertThat(names(rest)).containsExactly("rs-2", "rs-3", "rs-9");
        });
  }

  @Test
  void aSnapshotOlderThanTheWatchHistoryIsGoneLikeACompactedRevision() {
    store.historyLimit(3);
    for (int i = 0; i < 3; i++) {
      createRs("a", "rs-" + i, null);
    }
    ObjectNode first = list("a", new ListRequest(1, "", "", "", false));
    for (int i = 0; i < 3; i++) {
      api.delete(replicaSets, "a", "rs-" + i, false, null, null);
    }
    createRs("a", "rs-3", null); // the history now starts after the first page's resourceVersion
    assertThatThrownBy(() -> list("a", new ListRequest(1, first.path("metadata").path("continue").asText(), "", "", false)))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(410));
  }

  @Test
  void aResourceVersionNewerThanTheServersIsTooLarge() {
    long future = store.resourceVersion() + 100;
    assertThatThrownBy(() -> list("a", new ListRequest(0, "", String.valueOf(future), "NotOlderThan", false)))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(504);
          assertThat(e.getMessage()).startsWith("Too large resource version: " + future);
        });
  }

  @Test
  void aWatchFromBeforeTheResourcesHistoryIsGoneButOtherResourcesKeepTheirs() {
    store.historyLimit(2);
    String before = String.valueOf(store.resourceVersion());
    for (int i = 0; i < 3; i++) {
      createRs("a", "rs-" + i, null);
    }
    assertThatThrownBy(() -> store.replay("apps", "replicasets", null, before))
        .isInstanceOfSatisfying(ApiException.class, e -> {
          assertThat(e.code()).isEqualTo(410);
          assertThat(e.getMessage()).startsWith("too old resource version: " + before);
        });
    assertThat(store.replay("", "configmaps", null, before)).isEmpty();
    store.compact();
    assertThatThrownBy(() -> store.replay("", "configmaps", null, before))
        .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.code()).isEqualTo(410));
  }
}
