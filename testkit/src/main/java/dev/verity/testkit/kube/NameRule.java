package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The rule a kind's {@code metadata.name} must follow on a 1.32 API server, and its messages. Most kinds take a
 * lowercase RFC 1123 subdomain ({@code NameIsDNSSubdomain}); a Namespace an RFC 1123 label; a Service an RFC 1035
 * label ({@code ValidateServiceName}); the four RBAC kinds only a path segment ({@code ValidateRBACName =
 * path.IsValidPathSegmentName}, so {@code system:metrics-server} is a valid ClusterRole name); a
 * CertificateSigningRequest anything the storage key takes (a path segment: "We don't care what you call your
 * certificate requests"); an APIService a path segment that is exactly {@code <spec.version>.<spec.group>}.
 *
 * <p>Read from kubernetes/kubernetes {@code pkg/apis/rbac/validation}, {@code pkg/apis/core/validation},
 * {@code pkg/apis/certificates/validation}, {@code staging/src/k8s.io/kube-aggregator/pkg/apis/apiregistration/validation}
 * and {@code staging/src/k8s.io/apimachinery/pkg/api/validation/path}.
 */
enum NameRule {
  DNS_SUBDOMAIN, DNS_LABEL, DNS1035_LABEL, PATH_SEGMENT, API_SERVICE;

  private static final Pattern SUBDOMAIN = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
  private static final Pattern LABEL_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
  private static final Set<String> RBAC_KINDS = Set.of("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding");

  static NameRule of(ResourceType type) {
    String group = type.group();
    String kind = type.kind();
    if (group.isEmpty() && kind.equals("Namespace")) {
      return DNS_LABEL;
    }
    if (group.isEmpty() && kind.equals("Service")) {
      return DNS1035_LABEL;
    }
    if (group.equals("rbac.authorization.k8s.io") && RBAC_KINDS.contains(kind)) {
      return PATH_SEGMENT;
    }
    if (group.equals("certificates.k8s.io") && kind.equals("CertificateSigningRequest")) {
      return PATH_SEGMENT;
    }
    if (group.equals("apiregistration.k8s.io") && kind.equals("APIService")) {
      return API_SERVICE;
    }
    return DNS_SUBDOMAIN;
  }

  /** What is wrong with {@code name} for an object (read for APIService's spec), in the server's words; empty when valid. */
  List<String> problems(String name, JsonNode object) {
    List<String> problems = new ArrayList<>();
    switch (this) {
      case DNS_SUBDOMAIN -> {
        if (name.length() > 253) {
          problems.add("must be no more than 253 characters");
        }
        if (!SUBDOMAIN.matcher(name).matches()) {
          problems.add("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and"
              + " must start and end with an alphanumeric character");
        }
      }
      case DNS_LABEL -> {
        if (name.length() > 63) {
          problems.add("must be no more than 63 characters");
        }
        if (!LABEL.matcher(name).matches()) {
          problems.add("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must"
              + " start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is"
              + " '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
        }
      }
      case DNS1035_LABEL -> {
        if (name.length() > 63) {
          problems.add("must be no more than 63 characters");
        }
        if (!LABEL_1035.matcher(name).matches()) {
          problems.add("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an"
              + " alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used"
              + " for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
        }
      }
      case PATH_SEGMENT -> problems.addAll(pathSegment(name));
      case API_SERVICE -> {
        problems.addAll(pathSegment(name));
        JsonNode spec = object == null ? null : object.path("spec");
        String required = spec == null ? "" : spec.path("version").asText("") + "." + spec.path("group").asText("");
        if (problems.isEmpty() && !name.equals(required)) {
          problems.add("must be `spec.version+\".\"+spec.group`: \"" + required + "\"");
        }
      }
      default -> throw new IllegalStateException(name());
    }
    return problems;
  }

  /** {@code path.IsValidPathSegmentName}: not {@code .} or {@code ..}, no {@code /} or {@code %}. */
  private static List<String> pathSegment(String name) {
    if (name.equals(".") || name.equals("..")) {
      return List.of("may not be '" + name + "'");
    }
    List<String> problems = new ArrayList<>();
    for (String illegal : List.of("/", "%")) {
      if (name.contains(illegal)) {
        problems.add("may not contain '" + illegal + "'");
      }
    }
    return problems;
  }
}
