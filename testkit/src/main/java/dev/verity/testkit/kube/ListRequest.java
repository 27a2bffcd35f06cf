package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The options of a list ({@code limit}, {@code continue}, {@code resourceVersion}, {@code resourceVersionMatch}) and
 * how a Kubernetes 1.32 API server with its watch cache answers them, as {@code TestListOptions},
 * {@code TestAPIListChunking} and {@code TestAPIListChunkingWithLabelSelector} in
 * {@code test/integration/apiserver/apiserver_test.go} (kubernetes/kubernetes 8203f8728c5e) assert, with the storage
 * behaviour of {@code staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go} (GetList) and
 * {@code storage/continue.go}:
 * <ul>
 *   <li>a list that the watch cache serves ({@code resourceVersion="0"}, or a resourceVersion with
 *       {@code NotOlderThan} and no limit, ...) ignores {@code limit} and is never paginated;</li>
 *   <li>otherwise {@code limit} returns at most that many items in key order, ending at the item that fills the page;
 *       {@code metadata.continue} is set when any key follows, and {@code metadata.remainingItemCount} too when no
 *       selector filters the list;</li>
 *   <li>a continuation reads the snapshot of the first page's resourceVersion; once that is older than the recorded
 *       history it is 410 Expired with a token that continues at the latest state; an {@code Exact} (or legacy
 *       limit-with-resourceVersion) list of a compacted resourceVersion is 410 "too old";</li>
 *   <li>invalid combinations are 422 (ListOptions validation) or 400 (unparsable resourceVersion or token, a
 *       resourceVersion other than "0" with {@code continue}).</li>
 * </ul>
 */
record ListRequest(long limit, String continueToken, String resourceVersion, String resourceVersionMatch, boolean selective) {

  /** Everything, now: what delete-collection and internal readers use. */
  static final ListRequest ALL = new ListRequest(0, "", "", "", false);

  static ListRequest of(Map<String, String> query) {
    String limit = query.getOrDefault("limit", "");
    long parsed = 0;
    if (!limit.isEmpty()) {
      try {
        parsed = Long.parseLong(limit);
      } catch (NumberFormatException e) {
        throw ApiException.badRequest("limit: invalid value \"" + limit + "\": must be an integer");
      }
    }
    boolean selective = !query.getOrDefault("labelSelector", "").isBlank() || !query.getOrDefault("fieldSelector", "").isBlank();
    return new ListRequest(parsed, query.getOrDefault("continue", ""), query.getOrDefault("resourceVersion", ""),
        query.getOrDefault("resourceVersionMatch", ""), selective);
  }

  /** The list of {@code type} in {@code namespace} (null: all) these options ask for, read from {@code store}. */
  ObjectNode read(ObjectStore store, ResourceType type, String namespace, Predicate<JsonNode> filter) {
    validate();
    String ns = type.namespaced() ? namespace : null;
    long requested = parseResourceVersion();
    ContinueToken token = continueToken.isEmpty() ? null : ContinueToken.decode(continueToken);
    if (token != null && !resourceVersion.isEmpty() && !resourceVersion.equals("0")) {
      throw ApiException.badRequest("specifying resource version is not allowed when using continue");
    }
    boolean exact = resourceVersionMatch.equals("Exact");
    boolean legacyExact = limit > 0 && resourceVersionMatch.isEmpty() && requested > 0;
    boolean fromCache = !(resourceVersion.isEmpty() || token != null || (limit > 0 && !resourceVersion.equals("0")) || exact);
    return store.locked(() -> {
      long current = store.resourceVersion();
      long oldest = store.oldestReplayable(type.group(), type.plural());
      long at = 0;
      ObjectStore.Key from = null;
      if (token != null) {
        from = token.startKey(type, ns);
        at = token.resourceVersion() < 0 ? 0 : token.resourceVersion();
        if (at > 0 && at < oldest) {
          ApiException expired = new ApiException(410, "Expired", "The provided continue parameter is too old to display "
              + "a consistent list result. You can start a new list without the continue parameter, or use the continue "
              + "token in this response to retrieve the remainder of the results. Continuing with the provided token "
              + "results in an inconsistent list - objects that were created, modified, or deleted between the time the "
              + "first chunk was returned and now may show up in the list.");
          throw new ListExpired(expired, new ContinueToken(-1, token.start()).encode());
        }
      } else if (!fromCache && (exact || legacyExact)) {
        if (requested < oldest) {
          throw new ApiException(410, "Expired", "The resourceVersion for the provided list is too old.");
        }
        requireNotTooLarge(requested, current);
        at = requested;
      } else {
        requireNotTooLarge(requested, current);
      }
      long pageLimit = fromCache ? 0 : limit;
      ObjectStore.Page page = store.page(type.group(), type.plural(), ns, at, from, filter::test, pageLimit, !selective);
      ObjectNode list = Json.object();
      list.put("apiVersion", type.apiVersion());
      list.put("kind", type.kind() + "List");
      ObjectNode metadata = list.putObject("metadata");
      metadata.put("resourceVersion", String.valueOf(page.resourceVersion()));
      if (pageLimit > 0 && page.more()) {
        metadata.put("continue", ContinueToken.after(ContinueToken.relativePath(page.last(), ns), page.resourceVersion()).encode());
        if (!selective) {
          metadata.put("remainingItemCount", page.remaining());
        }
      }
      ArrayNode items = list.putArray("items");
      page.items().forEach(items::add);
      return list;
    });
  }

  /** The ListOptions validation of the API server (422 Invalid, every error at once). */
  private void validate() {
    if (resourceVersionMatch.isEmpty()) {
      return;
    }
    List<ApiException.Cause> errors = new ArrayList<>();
    if (resourceVersion.isEmpty()) {
      errors.add(forbidden("resourceVersionMatch is forbidden unless resourceVersion is provided"));
    }
    if (!continueToken.isEmpty()) {
      errors.add(forbidden("resourceVersionMatch is forbidden when continue is provided"));
    }
    if (!resourceVersionMatch.equals("Exact") && !resourceVersionMatch.equals("NotOlderThan")) {
      errors.add(new ApiException.Cause("FieldValueNotSupported", "Unsupported value: \"" + resourceVersionMatch
          + "\": supported values: \"Exact\", \"NotOlderThan\", \"\"", "resourceVersionMatch"));
    }
    if (resourceVersionMatch.equals("Exact") && resourceVersion.equals("0")) {
      errors.add(forbidden("resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\""));
    }
    if (errors.isEmpty()) {
      return;
    }
    List<String> details = errors.stream().map(e -> e.field() + ": " + e.message()).toList();
    String detail = details.size() == 1 ? details.get(0) : "[" + String.join(", ", details) + "]";
    throw new ApiException(422, "Invalid", "ListOptions.meta.k8s.io \"\" is invalid: " + detail, null, "meta.k8s.io",
        "ListOptions", errors);
  }

  private static ApiException.Cause forbidden(String detail) {
    return new ApiException.Cause("FieldValueForbidden", "Forbidden: " + detail, "resourceVersionMatch");
  }

  private long parseResourceVersion() {
    if (resourceVersion.isEmpty()) {
      return 0;
    }
    try {
      long parsed = Long.parseLong(resourceVersion);
      if (parsed >= 0) {
        return parsed;
      }
    } catch (NumberFormatException e) {
      // answered below
    }
    throw ApiException.badRequest("invalid resource version: resourceVersion: Invalid value: \"" + resourceVersion
        + "\": must be a non-negative integer (a resourceVersion the server returned)");
  }

  private static void requireNotTooLarge(long requested, long current) {
    if (requested > current) {
      throw new ApiException(504, "Timeout", "Too large resource version: " + requested + ", current: " + current, null,
          null, null, List.of(new ApiException.Cause("ResourceVersionTooLarge", "Too large resource version", null)));
    }
  }

  /** A 410 for a continuation whose snapshot is gone, carrying the token that continues inconsistently. */
  static final class ListExpired extends ApiException {
    private final String inconsistentContinue;

    ListExpired(ApiException expired, String inconsistentContinue) {
      super(expired.code(), expired.reason(), expired.getMessage());
      this.inconsistentContinue = inconsistentContinue;
    }

    @Override
    ObjectNode toStatus() {
      ObjectNode status = super.toStatus();
      ((ObjectNode) status.get("metadata")).put("continue", inconsistentContinue);
      return status;
    }
  }
}
