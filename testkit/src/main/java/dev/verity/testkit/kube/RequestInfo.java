package dev.verity.testkit.kube;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What a request asks for, in the API server's terms (its {@code RequestInfoFactory}): the verb ({@code get},
 * {@code list}, {@code watch}, {@code create}, {@code update}, {@code patch}, {@code delete},
 * {@code deletecollection}; the lower-case HTTP method for non-resource paths such as discovery), and for resource
 * requests the API group, resource, subresource, namespace and name. Faults match on it and the request log records it.
 *
 * @param resource null for a non-resource request ({@code /api}, {@code /apis}, {@code /version}, {@code /openapi/...})
 */
record RequestInfo(String verb, String group, String version, String resource, String subresource, String namespace,
    String name) {

  /** Subresources of a namespace, not resources inside it ({@code /api/v1/namespaces/x/status}). */
  private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

  static RequestInfo of(String method, String path, Map<String, String> query) {
    String httpVerb = method.toLowerCase(Locale.ROOT);
    List<String> parts = new ArrayList<>(Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toList());
    String group;
    String version;
    List<String> rest;
    if (parts.size() >= 3 && parts.get(0).equals("api")) {
      group = "";
      version = parts.get(1);
      rest = parts.subList(2, parts.size());
    } else if (parts.size() >= 4 && parts.get(0).equals("apis")) {
      group = parts.get(1);
      version = parts.get(2);
      rest = parts.subList(3, parts.size());
    } else {
      return new RequestInfo(httpVerb, null, null, null, null, null, null);
    }
    String namespace = null;
    if (rest.get(0).equals("namespaces") && rest.size() > 1) {
      namespace = rest.get(1);
      if (rest.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(rest.get(2))) {
        rest = rest.subList(2, rest.size());
      }
    }
    String resource = rest.get(0);
    String name = rest.size() > 1 ? rest.get(1) : null;
    String subresource = rest.size() > 2 ? rest.get(2) : null;
    String verb = switch (httpVerb) {
      case "get" -> name != null ? "get" : isWatch(query) ? "watch" : "list";
      case "post" -> "create";
      case "put" -> "update";
      case "patch" -> "patch";
      case "delete" -> name != null ? "delete" : "deletecollection";
      default -> httpVerb;
    };
    return new RequestInfo(verb, group, version, resource, subresource, namespace, name);
  }

  private static boolean isWatch(Map<String, String> query) {
    String watch = query.get("watch");
    return "true".equals(watch) || "1".equals(watch);
  }

  boolean isResourceRequest() {
    return resource != null;
  }
}
