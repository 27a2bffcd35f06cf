package dev.verity.testkit.kube;

import java.util.Set;

/**
 * Which requests a fault applies to, in the API server's terms; a null component matches anything. {@code resource}
 * is the plural, optionally qualified by its group as kubectl writes it ({@code deployments} or
 * {@code deployments.apps}). A match without a resource also matches non-resource requests (discovery, with verb
 * {@code get}).
 *
 * <pre>RequestMatch.of("patch", "deployments").inNamespace("shop").named("web")</pre>
 *
 * @param verb get, list, watch, create, update, patch, delete or deletecollection
 */
public record RequestMatch(String verb, String resource, String subresource, String namespace, String name) {

  /** The verbs of the API server's request info. */
  public static final Set<String> VERBS = Set.of("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection");

  public RequestMatch {
    verb = blankToNull(verb);
    resource = blankToNull(resource);
    subresource = blankToNull(subresource);
    namespace = blankToNull(namespace);
    name = blankToNull(name);
    if (verb != null && !VERBS.contains(verb)) {
      throw new IllegalArgumentException("unknown verb '" + verb + "': use one of " + VERBS.stream().sorted().toList()
          + " (or none for any verb)");
    }
  }

  /** Every request. */
  public static RequestMatch any() {
    return new RequestMatch(null, null, null, null, null);
  }

  /** Every request with this verb (of any resource, discovery included for {@code get}). */
  public static RequestMatch verb(String verb) {
    return new RequestMatch(verb, null, null, null, null);
  }

  /** Requests with this verb (null: any) on this resource ({@code configmaps}, {@code deployments.apps}). */
  public static RequestMatch of(String verb, String resource) {
    return new RequestMatch(verb, resource, null, null, null);
  }

  public RequestMatch inNamespace(String namespace) {
    return new RequestMatch(verb, resource, subresource, namespace, name);
  }

  public RequestMatch named(String name) {
    return new RequestMatch(verb, resource, subresource, namespace, name);
  }

  /** Only requests on this subresource ({@code status}, {@code scale}). */
  public RequestMatch onSubresource(String subresource) {
    return new RequestMatch(verb, resource, subresource, namespace, name);
  }

  boolean matches(RequestInfo request) {
    return matches(request.verb(), request.group(), request.resource(), request.subresource(), request.namespace(), request.name());
  }

  boolean matches(LoggedRequest request) {
    return matches(request.verb(), request.group(), request.resource(), request.subresource(), request.namespace(), request.name());
  }

  private boolean matches(String verb, String group, String resource, String subresource, String namespace, String name) {
    if (this.verb != null && !this.verb.equals(verb)) {
      return false;
    }
    if (this.resource != null && (resource == null
        || !(this.resource.equals(resource) || this.resource.equals(resource + "." + group)))) {
      return false;
    }
    return (this.subresource == null || this.subresource.equals(subresource))
        && (this.namespace == null || this.namespace.equals(namespace))
        && (this.name == null || this.name.equals(name));
  }

  private static String blankToNull(String value) {
    return value == null || value.isBlank() || value.equals("*") ? null : value;
  }
}
