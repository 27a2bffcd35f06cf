package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The answers of the review kinds (created to ask a question, never stored) as an allow-all server gives them: every
 * access review is allowed and says why, a rules review grants everything, and {@code kubectl auth whoami}
 * ({@code SelfSubjectReview}) and token reviews name the sandbox's one user, {@value #USER}. The sandbox authenticates
 * nobody and authorises everything; these answers only say so in the API's own terms.
 */
final class Reviews {

  /** The user the sandbox says every request comes from (also the user name in the kubeconfig it writes). */
  static final String USER = "verity-sandbox";
  static final String REASON = "the KubeSandbox allows every request (no authentication or authorization)";

  private Reviews() {
  }

  /** The review as the server answers it: the request's spec, and the status of an allow-all server (201 Created). */
  static ObjectNode answer(ResourceType type, String namespace, ObjectNode request) {
    ObjectNode review = SandboxApi.withTypeMeta(type, Json.object());
    ObjectNode metadata = review.putObject("metadata");
    metadata.putNull("creationTimestamp");
    if (type.namespaced() && namespace != null) {
      metadata.put("namespace", namespace);
    }
    JsonNode spec = request.path("spec");
    review.set("spec", spec.isObject() ? spec.deepCopy() : Json.object());
    ObjectNode status = review.putObject("status");
    switch (type.kind()) {
      case "SelfSubjectAccessReview", "SubjectAccessReview", "LocalSubjectAccessReview" -> {
        status.put("allowed", true);
        status.put("reason", REASON);
      }
      case "SelfSubjectRulesReview" -> {
        ObjectNode resources = status.putArray("resourceRules").addObject();
        resources.putArray("verbs").add("*");
        resources.putArray("apiGroups").add("*");
        resources.putArray("resources").add("*");
        ObjectNode nonResource = status.putArray("nonResourceRules").addObject();
        nonResource.putArray("verbs").add("*");
        nonResource.putArray("nonResourceURLs").add("*");
        status.put("incomplete", false);
      }
      case "SelfSubjectReview" -> userInfo(status.putObject("userInfo"));
      case "TokenReview" -> {
        status.put("authenticated", true);
        userInfo(status.putObject("user"));
        if (spec.path("audiences").isArray()) {
          status.set("audiences", spec.path("audiences").deepCopy());
        }
      }
      default -> throw new IllegalArgumentException(type.kind() + " is not a review kind");
    }
    return review;
  }

  private static void userInfo(ObjectNode user) {
    user.put("username", USER);
    ArrayNode groups = user.putArray("groups");
    groups.add("system:masters").add("system:authenticated");
  }
}
