package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The {@code continue} token of a paginated list, in the API server's format: unpadded base64url of
 * {@code {"v":"meta.k8s.io/v1","rv":<resourceVersion>,"start":"<key after the last one returned>"}}, the start key
 * relative to the list's key prefix ({@code namespace/name\0} across namespaces, {@code name\0} within one). A
 * resourceVersion of -1 continues at the latest state (the token a 410 hands back for an inconsistent remainder).
 */
record ContinueToken(long resourceVersion, String start) {

  private static final String VERSION = "meta.k8s.io/v1";

  /** The token that continues right after {@code lastPath}, the relative key of the last object a page examined. */
  static ContinueToken after(String lastPath, long resourceVersion) {
    return new ContinueToken(resourceVersion, lastPath + "\0");
  }

  String encode() {
    ObjectNode token = Json.object();
    token.put("v", VERSION);
    token.put("rv", resourceVersion);
    token.put("start", start);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(Json.write(token).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Decodes a token as the API server does.
   *
   * @throws ApiException 400 "invalid continue token: continue key is not valid..." naming what is wrong
   */
  static ContinueToken decode(String value) {
    JsonNode token;
    try {
      byte[] bytes = Base64.getUrlDecoder().decode(value);
      token = Json.MAPPER.readTree(bytes);
    } catch (IllegalArgumentException | java.io.IOException e) {
      throw invalid("continue key is not valid: " + e.getMessage());
    }
    if (token == null || !token.isObject()) {
      throw invalid("continue key is not valid: not a JSON object");
    }
    String version = token.path("v").asText("");
    if (!version.equals(VERSION)) {
      throw invalid("continue key is not valid: server does not recognize this encoded version " + version);
    }
    long rv = token.path("rv").asLong(0);
    if (rv == 0) {
      throw invalid("continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
    }
    String start = token.path("start").asText("");
    if (start.isEmpty()) {
      throw invalid("continue key is not valid: encoded start key empty (version meta.k8s.io/v1)");
    }
    if (!clean(start)) {
      throw invalid("continue key is not valid: " + start);
    }
    return new ContinueToken(rv, start);
  }

  /** What {@code path.Clean} leaves unchanged: no empty, "." or ".." segment and no trailing slash. */
  private static boolean clean(String start) {
    String path = start.startsWith("/") ? start.substring(1) : start;
    if (path.isEmpty()) {
      return false;
    }
    for (String segment : path.split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        return false;
      }
    }
    return true;
  }

  /** The start key as a store key of the listed resource ({@code namespace} null when listing across namespaces). */
  ObjectStore.Key startKey(ResourceType type, String namespace) {
    String path = start.startsWith("/") ? start.substring(1) : start;
    if (!type.namespaced()) {
      return new ObjectStore.Key(type.group(), type.plural(), "", path);
    }
    if (namespace != null) {
      return new ObjectStore.Key(type.group(), type.plural(), namespace, path);
    }
    int slash = path.indexOf('/');
    return slash < 0 ? new ObjectStore.Key(type.group(), type.plural(), "", path)
        : new ObjectStore.Key(type.group(), type.plural(), path.substring(0, slash), path.substring(slash + 1));
  }

  /** The relative key of a stored object for a list of {@code type} in {@code namespace} (null: across namespaces). */
  static String relativePath(ObjectStore.Key key, String namespace) {
    return namespace != null ? key.name() : key.path();
  }

  private static ApiException invalid(String detail) {
    return ApiException.badRequest("invalid continue token: " + detail);
  }
}
