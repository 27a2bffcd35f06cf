package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * What a Kubernetes 1.32 API server fills into a Service: the scheme defaults (SetDefaults_Service) and what the
 * Service registry allocates or carries over (cluster IPs from a single-stack IPv4 service CIDR, IP family fields,
 * node ports, the health check node port). Each rule names its entry in {@code kube-schema/sources/defaults.yaml}.
 */
final class ServiceDefaults {

  /** The service CIDR the sandbox allocates from, as kubeadm and kind configure a cluster by default. */
  static final String SERVICE_CIDR = "10.96.0.0/12";
  /** The node port range, kube-apiserver's default {@code --service-node-port-range}. */
  static final int NODE_PORT_MIN = 30000;
  static final int NODE_PORT_MAX = 32767;

  private static final long CIDR_BASE = 10L << 24 | 96L << 16;
  private static final long CIDR_SIZE = 1L << 20;
  /** The allocator keeps the start of the range (min(max(16, size/16), 256) addresses) for static requests. */
  private static final long STATIC_BAND = 256;
  /** Likewise for node ports: min(max(16, size/32), 128) ports. */
  private static final int NODE_PORT_STATIC_BAND = Math.min(Math.max(16, (NODE_PORT_MAX - NODE_PORT_MIN + 1) / 32), 128);

  private ServiceDefaults() {
  }

  /**
   * What the Service registry does to {@code service} on create ({@code before} null) or update, after the scheme
   * defaults ({@link #scheme}) and field ownership: type-dependent fields dropped, allocated values carried over, IP
   * family fields filled in, addresses and node ports allocated.
   *
   * @param others the stored Services (read only when something must be allocated or checked against them)
   * @throws ApiException 422 when a requested cluster IP or node port is outside the range or already taken
   */
  static void apply(ResourceType type, ObjectNode service, ObjectNode before, Supplier<List<ObjectNode>> others) {
    ObjectNode spec = service.get("spec") instanceof ObjectNode s ? s : service.putObject("spec");
    ObjectNode old = before == null ? null : (ObjectNode) before.path("spec");
    if (old != null) {
      dropTypeDependentFields(spec, old);
    }
    normalizeClusterIPs(spec, old);
    if (old != null) {
      patchAllocatedValues(spec, old);
    }
    if (!spec.path("type").asText().equals("ExternalName")) {
      ipFamilies(type, service, spec, old);
    }
    allocate(type, service, spec, others);
  }

  /** SetDefaults_Service. */
  static void scheme(ObjectNode spec) {
    // defaults.yaml: io.k8s.api.core.v1.ServiceSpec.sessionAffinity
    Defaults.textIfUnset(spec, "sessionAffinity", "None");
    // defaults.yaml: io.k8s.api.core.v1.ServiceSpec.sessionAffinityConfig (rule session-affinity-config)
    if (spec.path("sessionAffinity").asText().equals("None")) {
      spec.remove("sessionAffinityConfig");
    } else if (spec.path("sessionAffinity").asText().equals("ClientIP")
        && !spec.path("sessionAffinityConfig").path("clientIP").hasNonNull("timeoutSeconds")) {
      spec.putObject("sessionAffinityConfig").putObject("clientIP").put("timeoutSeconds", 10800);
    }
    // defaults.yaml: io.k8s.api.core.v1.ServiceSpec.type
    Defaults.textIfUnset(spec, "type", "ClusterIP");
    String type = spec.path("type").asText();
    for (JsonNode port : spec.path("ports")) {
      if (port instanceof ObjectNode p) {
        // defaults.yaml: io.k8s.api.core.v1.ServicePort.protocol
        Defaults.textIfUnset(p, "protocol", "TCP");
        JsonNode target = p.get("targetPort");
        if (target == null || target.isNull() || (target.isNumber() && target.asInt() == 0)
            || (target.isTextual() && target.asText().isEmpty())) {
          // defaults.yaml: io.k8s.api.core.v1.ServicePort.targetPort (rule target-port-from-port)
          p.put("targetPort", p.path("port").asInt());
        }
      }
    }
    if (externallyAccessible(spec)) {
      // defaults.yaml: io.k8s.api.core.v1.ServiceSpec.externalTrafficPolicy (rule external-traffic-policy-cluster)
      Defaults.textIfUnset(spec, "externalTrafficPolicy", "Cluster");
    }
    if (!spec.hasNonNull("internalTrafficPolicy") && List.of("ClusterIP", "NodePort", "LoadBalancer").contains(type)) {
      // defaults.yaml: io.k8s.api.core.v1.ServiceSpec.internalTrafficPolicy (rule internal-traffic-policy-cluster)
      spec.put("internalTrafficPolicy", "Cluster");
    }
    if (type.equals("LoadBalancer") && !spec.hasNonNull("allocateLoadBalancerNodePorts")) {
      // defaults.yaml: io.k8s.api.core.v1.ServiceSpec.allocateLoadBalancerNodePorts (rule load-balancer-node-ports-true)
      spec.put("allocateLoadBalancerNodePorts", true);
    }
  }

  private static boolean externallyAccessible(JsonNode spec) {
    String type = spec.path("type").asText();
    return type.equals("LoadBalancer") || type.equals("NodePort")
        || (type.equals("ClusterIP") && !spec.path("externalIPs").isEmpty());
  }

  private static boolean needsClusterIP(JsonNode spec) {
    return !spec.path("type").asText().equals("ExternalName");
  }

  private static boolean needsNodePort(JsonNode spec) {
    String type = spec.path("type").asText();
    return type.equals("NodePort") || type.equals("LoadBalancer");
  }

  private static boolean needsHealthCheckNodePort(JsonNode spec) {
    return spec.path("type").asText().equals("LoadBalancer") && spec.path("externalTrafficPolicy").asText().equals("Local");
  }

  /**
   * The Service strategy's dropTypeDependentFields: on a type change, values the new type does not use and the client
   * did not change (typically ones the server allocated) are wiped.
   */
  private static void dropTypeDependentFields(ObjectNode spec, ObjectNode old) {
    if (needsClusterIP(old) && !needsClusterIP(spec)) {
      if (same(spec, old, "clusterIP") && same(spec, old, "clusterIPs")) {
        spec.remove(List.of("clusterIP", "clusterIPs"));
      }
      if (same(spec, old, "ipFamilies")) {
        spec.remove("ipFamilies");
      }
      if (same(spec, old, "ipFamilyPolicy")) {
        spec.remove("ipFamilyPolicy");
      }
    }
    if (needsNodePort(old) && !needsNodePort(spec) && nodePorts(spec).equals(nodePorts(old))) {
      spec.path("ports").forEach(p -> ((ObjectNode) p).remove("nodePort"));
    }
    if (needsHealthCheckNodePort(old) && !needsHealthCheckNodePort(spec) && same(spec, old, "healthCheckNodePort")) {
      spec.remove("healthCheckNodePort");
    }
    if (old.path("type").asText().equals("LoadBalancer") && !spec.path("type").asText().equals("LoadBalancer")
        && spec.hasNonNull("allocateLoadBalancerNodePorts") && same(spec, old, "allocateLoadBalancerNodePorts")) {
      spec.remove("allocateLoadBalancerNodePorts");
    }
    if (old.path("type").asText().equals("LoadBalancer") && !spec.path("type").asText().equals("LoadBalancer")
        && same(spec, old, "loadBalancerClass")) {
      spec.remove("loadBalancerClass");
    }
    if (externallyAccessible(old) && !externallyAccessible(spec) && same(spec, old, "externalTrafficPolicy")) {
      spec.remove("externalTrafficPolicy");
    }
  }

  private static boolean same(JsonNode spec, JsonNode old, String field) {
    return Objects.equals(spec.get(field), old.get(field));
  }

  private static List<Integer> nodePorts(JsonNode spec) {
    List<Integer> ports = new java.util.ArrayList<>();
    spec.path("ports").forEach(p -> ports.add(p.path("nodePort").asInt(0)));
    return ports;
  }

  /** NormalizeClusterIPs: keeps clusterIP and clusterIPs[0] in step when the client sets only one of them. */
  private static void normalizeClusterIPs(ObjectNode spec, ObjectNode old) {
    String clusterIP = Json.text(spec, "clusterIP");
    boolean hasIPs = !spec.path("clusterIPs").isEmpty();
    if (old == null) {
      if (clusterIP != null && !clusterIP.isEmpty() && !hasIPs) {
        spec.putArray("clusterIPs").add(clusterIP);
      } else if ((clusterIP == null || clusterIP.isEmpty()) && hasIPs) {
        spec.put("clusterIP", spec.path("clusterIPs").path(0).asText());
      }
      return;
    }
    String oldIP = Json.text(old, "clusterIP");
    if (!Objects.equals(oldIP == null ? "" : oldIP, clusterIP == null ? "" : clusterIP) && same(spec, old, "clusterIPs")) {
      if (clusterIP == null || clusterIP.isEmpty()) {
        spec.remove("clusterIPs");
      } else {
        spec.putArray("clusterIPs").add(clusterIP);
      }
    }
  }

  /** patchAllocatedValues: a write that leaves out what the server allocated keeps the stored values. */
  private static void patchAllocatedValues(ObjectNode spec, ObjectNode old) {
    if (needsClusterIP(old) && needsClusterIP(spec)) {
      if (Defaults.unsetText(spec, "clusterIP") && old.hasNonNull("clusterIP")) {
        spec.set("clusterIP", old.get("clusterIP"));
      }
      if (spec.path("clusterIPs").isEmpty() && !old.path("clusterIPs").isEmpty()) {
        spec.set("clusterIPs", old.get("clusterIPs").deepCopy());
      }
    }
    if (needsNodePort(old) && needsNodePort(spec)) {
      Set<Integer> used = new HashSet<>(nodePorts(spec));
      Map<String, Integer> byName = new HashMap<>();
      old.path("ports").forEach(p -> byName.put(p.path("name").asText(""), p.path("nodePort").asInt(0)));
      for (JsonNode port : spec.path("ports")) {
        Integer previous = byName.get(port.path("name").asText(""));
        if (port.path("nodePort").asInt(0) == 0 && previous != null && previous != 0 && !used.contains(previous)) {
          ((ObjectNode) port).put("nodePort", previous);
          used.add(previous);
        }
      }
    }
    if (needsHealthCheckNodePort(old) && needsHealthCheckNodePort(spec) && spec.path("healthCheckNodePort").asInt(0) == 0
        && old.hasNonNull("healthCheckNodePort")) {
      spec.set("healthCheckNodePort", old.get("healthCheckNodePort"));
    }
  }

  /** initIPFamilyFields on a single-stack IPv4 cluster. */
  private static void ipFamilies(ResourceType type, ObjectNode service, ObjectNode spec, ObjectNode old) {
    boolean headless = "None".equals(Json.text(spec, "clusterIP"));
    boolean selectorless = spec.path("selector").isEmpty();
    if (!spec.hasNonNull("ipFamilyPolicy")) {
      // defaults.yaml: io.k8s.api.core.v1.ServiceSpec.ipFamilyPolicy (rule ip-family-policy)
      if (old != null && old.hasNonNull("ipFamilyPolicy")) {
        spec.set("ipFamilyPolicy", old.get("ipFamilyPolicy"));
      } else {
        spec.put("ipFamilyPolicy", headless && selectorless ? "RequireDualStack" : "SingleStack");
      }
    }
    String policy = spec.path("ipFamilyPolicy").asText();
    // defaults.yaml: io.k8s.api.core.v1.ServiceSpec.ipFamilies (rule ip-families)
    ArrayNode families = spec.get("ipFamilies") instanceof ArrayNode f ? f : spec.putArray("ipFamilies");
    JsonNode clusterIPs = spec.path("clusterIPs");
    for (int i = families.size(); i < clusterIPs.size(); i++) {
      String ip = clusterIPs.path(i).asText();
      if (ip.equals("None")) {
        break;
      }
      families.add(ip.contains(":") ? "IPv6" : "IPv4");
    }
    if (headless && selectorless) {
      if (families.isEmpty()) {
        families.add("IPv4");
      }
      if (families.size() < 2 && !policy.equals("SingleStack")) {
        families.add(families.path(0).asText().equals("IPv4") ? "IPv6" : "IPv4");
      }
      return;
    }
    String name = Json.text(service.path("metadata"), "name");
    if (policy.equals("RequireDualStack")) {
      throw ApiException.invalid(type, name, "spec.ipFamilyPolicy", "Invalid value: \"RequireDualStack\": "
          + "this cluster is not configured for dual-stack services");
    }
    for (int i = 0; i < families.size(); i++) {
      if (!families.path(i).asText().equals("IPv4")) {
        throw ApiException.invalid(type, name, "spec.ipFamilies[" + i + "]", "Invalid value: \"" + families.path(i).asText()
            + "\": not configured on this cluster");
      }
    }
    if (families.isEmpty()) {
      families.add("IPv4");
    }
  }

  /** allocClusterIPs, initNodePorts and the health check node port, against the addresses and ports other Services hold. */
  private static void allocate(ResourceType type, ObjectNode service, ObjectNode spec, Supplier<List<ObjectNode>> others) {
    String name = Json.text(service.path("metadata"), "name");
    String namespace = Json.text(service.path("metadata"), "namespace");
    boolean wantsIP = needsClusterIP(spec) && !"None".equals(Json.text(spec, "clusterIP"));
    boolean wantsNodePorts = needsNodePort(spec) && (spec.path("type").asText().equals("NodePort")
        || spec.path("allocateLoadBalancerNodePorts").asBoolean(true));
    boolean checkPorts = needsNodePort(spec);
    boolean wantsHealthCheck = needsHealthCheckNodePort(spec);
    if (!wantsIP && !checkPorts && !wantsHealthCheck) {
      if ("None".equals(Json.text(spec, "clusterIP")) && spec.path("clusterIPs").isEmpty()) {
        spec.putArray("clusterIPs").add("None");
      }
      return;
    }
    Set<String> takenIPs = new HashSet<>();
    Set<Integer> takenPorts = new HashSet<>();
    for (ObjectNode other : others.get()) {
      JsonNode meta = other.path("metadata");
      if (Objects.equals(Json.text(meta, "name"), name) && Objects.equals(Json.text(meta, "namespace"), namespace)) {
        continue;
      }
      other.path("spec").path("clusterIPs").forEach(ip -> takenIPs.add(ip.asText()));
      other.path("spec").path("ports").forEach(p -> takenPorts.add(p.path("nodePort").asInt(0)));
      takenPorts.add(other.path("spec").path("healthCheckNodePort").asInt(0));
    }
    if (wantsIP) {
      // defaults.yaml: io.k8s.api.core.v1.ServiceSpec.clusterIP, .clusterIPs (rule cluster-ip-allocation)
      String requested = Json.text(spec, "clusterIP");
      if (requested == null || requested.isEmpty()) {
        String ip = freeAddress(takenIPs);
        spec.put("clusterIP", ip);
        spec.putArray("clusterIPs").add(ip);
      } else {
        checkRequestedAddress(type, name, spec, requested, takenIPs);
        if (spec.path("clusterIPs").isEmpty()) {
          spec.putArray("clusterIPs").add(requested);
        }
      }
    }
    if (checkPorts) {
      // defaults.yaml: io.k8s.api.core.v1.ServicePort.nodePort (rule node-port-allocation)
      Map<Integer, Integer> byPort = new HashMap<>();
      JsonNode ports = spec.path("ports");
      for (int i = 0; i < ports.size(); i++) {
        int requested = ports.path(i).path("nodePort").asInt(0);
        if (requested != 0) {
          checkRequestedPort(type, name, "spec.ports[" + i + "].nodePort", requested, takenPorts);
          byPort.putIfAbsent(ports.path(i).path("port").asInt(), requested);
        }
      }
      for (JsonNode port : ports) {
        if (wantsNodePorts && port.path("nodePort").asInt(0) == 0) {
          int nodePort = byPort.computeIfAbsent(port.path("port").asInt(), p -> freePort(takenPorts, byPort));
          ((ObjectNode) port).put("nodePort", nodePort);
        }
      }
      takenPorts.addAll(byPort.values());
    }
    if (wantsHealthCheck) {
      // defaults.yaml: io.k8s.api.core.v1.ServiceSpec.healthCheckNodePort (rule health-check-node-port)
      int requested = spec.path("healthCheckNodePort").asInt(0);
      if (requested == 0) {
        spec.put("healthCheckNodePort", freePort(takenPorts, Map.of()));
      } else {
        checkRequestedPort(type, name, "spec.healthCheckNodePort", requested, takenPorts);
      }
    }
  }

  private static String freeAddress(Set<String> taken) {
    for (int attempt = 0; attempt < 64; attempt++) {
      long offset = ThreadLocalRandom.current().nextLong(STATIC_BAND, CIDR_SIZE - 1);
      String ip = address(CIDR_BASE + offset);
      if (!taken.contains(ip)) {
        return ip;
      }
    }
    for (long offset = 1; offset < CIDR_SIZE - 1; offset++) {
      String ip = address(CIDR_BASE + offset);
      if (!taken.contains(ip)) {
        return ip;
      }
    }
    throw new ApiException(500, "InternalError", "Internal error occurred: failed to allocate a serviceIP: range is full");
  }

  private static void checkRequestedAddress(ResourceType type, String name, JsonNode spec, String requested, Set<String> taken) {
    Long value = parse(requested);
    String list = "[]string{\"" + String.join("\", \"", texts(spec.path("clusterIPs"), requested)) + "\"}";
    if (value == null) {
      return;
    }
    if (value <= CIDR_BASE || value >= CIDR_BASE + CIDR_SIZE - 1) {
      throw ApiException.invalid(type, name, "spec.clusterIPs", "Invalid value: " + list + ": failed to allocate IP "
          + requested + ": the provided IP (" + requested + ") is not in the valid range. The range of valid IPs is "
          + SERVICE_CIDR);
    }
    if (taken.contains(requested)) {
      throw ApiException.invalid(type, name, "spec.clusterIPs", "Invalid value: " + list + ": failed to allocate IP "
          + requested + ": provided IP is already allocated");
    }
  }

  private static List<String> texts(JsonNode array, String fallback) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out.isEmpty() ? List.of(fallback) : out;
  }

  private static int freePort(Set<Integer> taken, Map<Integer, Integer> chosen) {
    int dynamicMin = NODE_PORT_MIN + NODE_PORT_STATIC_BAND;
    for (int attempt = 0; attempt < 64; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(dynamicMin, NODE_PORT_MAX + 1);
      if (!taken.contains(port) && !chosen.containsValue(port)) {
        taken.add(port);
        return port;
      }
    }
    for (int port = NODE_PORT_MIN; port <= NODE_PORT_MAX; port++) {
      if (!taken.contains(port) && !chosen.containsValue(port)) {
        taken.add(port);
        return port;
      }
    }
    throw new ApiException(500, "InternalError", "Internal error occurred: failed to allocate a nodePort: range is full");
  }

  private static void checkRequestedPort(ResourceType type, String name, String field, int requested, Set<Integer> taken) {
    if (requested < NODE_PORT_MIN || requested > NODE_PORT_MAX) {
      throw ApiException.invalid(type, name, field, "Invalid value: " + requested + ": provided port is not in the valid "
          + "range. The range of valid ports is " + NODE_PORT_MIN + "-" + NODE_PORT_MAX);
    }
    if (taken.contains(requested)) {
      throw ApiException.invalid(type, name, field, "Invalid value: " + requested + ": provided port is already allocated");
    }
  }

  /** The IPv4 address as a number, or null when it is not a dotted quad (left to validation). */
  private static Long parse(String ip) {
    String[] parts = ip.split("\\.");
    if (parts.length != 4) {
      return null;
    }
    long value = 0;
    for (String part : parts) {
      try {
        int octet = Integer.parseInt(part);
        if (octet < 0 || octet > 255) {
          return null;
        }
        value = value << 8 | octet;
      } catch (NumberFormatException e) {
        return null;
      }
    }
    return value;
  }

  private static String address(long value) {
    return (value >> 24 & 255) + "." + (value >> 16 & 255) + "." + (value >> 8 & 255) + "." + (value & 255);
  }
}
