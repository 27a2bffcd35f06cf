package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.FileDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Admissionregistration;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import io.kubernetes.client.proto.V1Autoscaling;
import io.kubernetes.client.proto.V1Batch;
import io.kubernetes.client.proto.V1Certificates;
import io.kubernetes.client.proto.V1Networking;
import io.kubernetes.client.proto.V1Policy;
import io.kubernetes.client.proto.V1Rbac;
import io.kubernetes.client.proto.V1Scheduling;
import io.kubernetes.client.proto.V1Storage;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads Kubernetes protobuf request bodies ({@code application/vnd.kubernetes.protobuf}, as client-go's typed clients
 * and so {@code kubectl create namespace|deployment|configmap|secret|job} and {@code kubectl auth} send them) into
 * the JSON the sandbox stores: the {@code k8s\0} prefix, then a {@code runtime.Unknown} envelope whose
 * {@code typeMeta} names the apiVersion and kind and whose {@code raw} bytes are the object's message. The messages
 * are Kubernetes' own generated ones as published by kubernetes-client/java ({@code io.kubernetes:client-java-proto}
 * 24.0.0); the special encodings are turned into their JSON forms: IntOrString into a number or a string, Quantity
 * into its string, Time and MicroTime into RFC 3339 text, Duration into Go's duration text, RawExtension and
 * FieldsV1 into the JSON they carry, map entries into objects, {@code bytes} into base64.
 *
 * <p>A kind without a message in that artifact (coordination, discovery, events, node, flowcontrol,
 * apiextensions/v1, apiregistration, custom resources) is a 415 naming it; a body that is not a well-formed envelope
 * or message is a 400 naming the decode error. Fields newer than the artifact's messages are reported as warnings.
 */
final class ProtobufBodies {

  static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";
  private static final byte[] PREFIX = {'k', '8', 's', 0};
  /** The published messages by apiVersion. */
  private static final Map<String, FileDescriptor> FILES = Map.ofEntries(
      Map.entry("v1", V1.getDescriptor()),
      Map.entry("apps/v1", V1Apps.getDescriptor()),
      Map.entry("batch/v1", V1Batch.getDescriptor()),
      Map.entry("autoscaling/v1", V1Autoscaling.getDescriptor()),
      Map.entry("networking.k8s.io/v1", V1Networking.getDescriptor()),
      Map.entry("policy/v1", V1Policy.getDescriptor()),
      Map.entry("rbac.authorization.k8s.io/v1", V1Rbac.getDescriptor()),
      Map.entry("scheduling.k8s.io/v1", V1Scheduling.getDescriptor()),
      Map.entry("storage.k8s.io/v1", V1Storage.getDescriptor()),
      Map.entry("certificates.k8s.io/v1", V1Certificates.getDescriptor()),
      Map.entry("authentication.k8s.io/v1", V1Authentication.getDescriptor()),
      Map.entry("authorization.k8s.io/v1", V1Authorization.getDescriptor()),
      Map.entry("admissionregistration.k8s.io/v1", V1Admissionregistration.getDescriptor()));
  /**
   * Go structs embedded with {@code json:",inline"}, which protobuf carries as a field of their own: their fields
   * are the parent's in JSON (an Ingress rule's {@code http}, a volume's source, a probe's handler, a webhook rule's
   * resources, and every embedded {@code LocalObjectReference}: a config map volume's or key selector's {@code name}).
   */
  private static final java.util.Set<String> INLINE = java.util.Set.of("IngressRule.ingressRuleValue",
      "Volume.volumeSource", "PersistentVolumeSpec.persistentVolumeSource", "Probe.handler",
      "EphemeralContainer.ephemeralContainerCommon", "RuleWithOperations.rule", "NamedRuleWithOperations.ruleWithOperations");
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'", Locale.ROOT)
      .withZone(ZoneOffset.UTC);
  private static final DateTimeFormatter MICRO_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'",
      Locale.ROOT).withZone(ZoneOffset.UTC);

  private ProtobufBodies() {
  }

  static boolean isProtobuf(String contentType) {
    return contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith(MEDIA_TYPE);
  }

  /** The decoded object (with its apiVersion and kind), plus the problems to warn about (fields the messages do not know). */
  record Decoded(ObjectNode object, List<String> warnings) {
  }

  /**
   * Decodes a protobuf body.
   *
   * @throws ApiException 400 when the body is not a {@code k8s\0} envelope or its message cannot be read, 415 when the
   *     kind has no published message
   */
  static Decoded decode(byte[] body) {
    if (body == null || body.length < PREFIX.length || !Arrays.equals(Arrays.copyOf(body, PREFIX.length), PREFIX)) {
      throw ApiException.badRequest("the protobuf request body does not start with the Kubernetes envelope prefix"
          + " \"k8s\\x00\" (got " + (body == null ? 0 : body.length) + " bytes)");
    }
    Runtime.Unknown envelope;
    try {
      envelope = Runtime.Unknown.parseFrom(Arrays.copyOfRange(body, PREFIX.length, body.length));
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.badRequest("the protobuf request body's envelope (runtime.Unknown) could not be decoded: "
          + e.getMessage());
    }
    String apiVersion = envelope.getTypeMeta().getApiVersion();
    String kind = envelope.getTypeMeta().getKind();
    if (apiVersion.isEmpty() || kind.isEmpty()) {
      throw ApiException.badRequest("the protobuf request body's envelope names no apiVersion and kind (got apiVersion=\""
          + apiVersion + "\", kind=\"" + kind + "\")");
    }
    if (!envelope.getContentEncoding().isEmpty()) {
      throw unsupported(apiVersion, kind, "content encoding \"" + envelope.getContentEncoding() + "\"");
    }
    FileDescriptor file = kind.endsWith("Options") ? io.kubernetes.client.proto.Meta.getDescriptor() : FILES.get(apiVersion);
    Descriptor descriptor = file == null ? null : file.findMessageTypeByName(kind);
    if (descriptor == null) {
      throw unsupported(apiVersion, kind, "no protobuf message for this kind");
    }
    DynamicMessage message;
    try {
      message = DynamicMessage.parseFrom(descriptor, envelope.getRaw());
    } catch (InvalidProtocolBufferException e) {
      throw ApiException.badRequest("the protobuf request body of " + kind + " (" + apiVersion + ") could not be decoded: "
          + e.getMessage());
    }
    List<String> warnings = new ArrayList<>();
    ObjectNode object = Json.object();
    object.put("apiVersion", apiVersion);
    object.put("kind", kind);
    object.setAll(message(message, "", warnings));
    return new Decoded(object, warnings);
  }

  private static ApiException unsupported(String apiVersion, String kind, String why) {
    return new ApiException(415, "UnsupportedMediaType", "the KubeSandbox cannot decode " + MEDIA_TYPE + " bodies of kind "
        + kind + " (" + apiVersion + "): " + why + "; send it as application/json");
  }

  private static ObjectNode message(Message message, String path, List<String> warnings) {
    ObjectNode json = Json.object();
    if (!message.getUnknownFields().asMap().isEmpty()) {
      warnings.add((path.isEmpty() ? "" : path + ": ") + "protobuf fields " + message.getUnknownFields().asMap().keySet()
          + " of " + message.getDescriptorForType().getName() + " are unknown to the KubeSandbox's message definitions"
          + " and were dropped");
    }
    for (Map.Entry<FieldDescriptor, Object> entry : message.getAllFields().entrySet()) {
      FieldDescriptor field = entry.getKey();
      String name = field.getName(); // Kubernetes' .proto files name fields as their JSON does
      String at = path.isEmpty() ? name : path + "." + name;
      if (field.isMapField()) {
        ObjectNode map = json.putObject(name);
        for (Object item : (List<?>) entry.getValue()) {
          Message pair = (Message) item;
          FieldDescriptor keyField = pair.getDescriptorForType().findFieldByName("key");
          FieldDescriptor valueField = pair.getDescriptorForType().findFieldByName("value");
          map.set(String.valueOf(pair.getField(keyField)), value(valueField, pair.getField(valueField), at, warnings));
        }
      } else if (field.isRepeated()) {
        ArrayNode array = json.putArray(name);
        for (Object item : (List<?>) entry.getValue()) {
          array.add(value(field, item, at, warnings));
        }
      } else if (INLINE.contains(message.getDescriptorForType().getName() + "." + name) || name.equals("localObjectReference")) {
        JsonNode embedded = value(field, entry.getValue(), path, warnings);
        if (embedded instanceof ObjectNode fields) {
          json.setAll(fields);
        }
      } else {
        json.set(name, value(field, entry.getValue(), at, warnings));
      }
    }
    return json;
  }

  private static JsonNode value(FieldDescriptor field, Object value, String path, List<String> warnings) {
    return switch (field.getJavaType()) {
      case MESSAGE -> special((Message) value, path, warnings);
      case BYTE_STRING -> Json.MAPPER.getNodeFactory().textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
      case INT -> Json.MAPPER.getNodeFactory().numberNode((Integer) value);
      case LONG -> Json.MAPPER.getNodeFactory().numberNode((Long) value);
      case DOUBLE -> Json.MAPPER.getNodeFactory().numberNode((Double) value);
      case FLOAT -> Json.MAPPER.getNodeFactory().numberNode((Float) value);
      case BOOLEAN -> Json.MAPPER.getNodeFactory().booleanNode((Boolean) value);
      case STRING -> Json.MAPPER.getNodeFactory().textNode((String) value);
      case ENUM -> Json.MAPPER.getNodeFactory().textNode(value.toString());
    };
  }

  /** A message as JSON, with the apimachinery types that JSON encodes otherwise. */
  private static JsonNode special(Message message, String path, List<String> warnings) {
    String type = message.getDescriptorForType().getName();
    String file = message.getDescriptorForType().getFile().getPackage();
    boolean apimachinery = file.startsWith("k8s.io.apimachinery");
    if (apimachinery) {
      switch (type) {
        case "IntOrString" -> {
          long kind = longField(message, "type");
          return kind == 1 ? Json.MAPPER.getNodeFactory().textNode(stringField(message, "strVal"))
              : Json.MAPPER.getNodeFactory().numberNode((int) longField(message, "intVal"));
        }
        case "Quantity" -> {
          return Json.MAPPER.getNodeFactory().textNode(stringField(message, "string"));
        }
        case "Time", "MicroTime" -> {
          long seconds = longField(message, "seconds");
          long nanos = longField(message, "nanos");
          if (seconds == 0 && nanos == 0) {
            return Json.MAPPER.getNodeFactory().nullNode(); // Go's zero time, which JSON writes as null
          }
          Instant at = Instant.ofEpochSecond(seconds, nanos);
          return Json.MAPPER.getNodeFactory().textNode((type.equals("Time") ? TIME : MICRO_TIME).format(at));
        }
        case "Duration" -> {
          return Json.MAPPER.getNodeFactory().textNode(goDuration(longField(message, "duration")));
        }
        case "RawExtension", "FieldsV1" -> {
          FieldDescriptor raw = message.getDescriptorForType().findFieldByName(type.equals("FieldsV1") ? "Raw" : "raw");
          ByteString bytes = raw == null ? ByteString.EMPTY : (ByteString) message.getField(raw);
          if (bytes.isEmpty()) {
            return Json.MAPPER.getNodeFactory().nullNode();
          }
          try {
            return Json.parse(bytes.toString(StandardCharsets.UTF_8));
          } catch (RuntimeException e) {
            throw ApiException.badRequest("the protobuf request body's " + path + " (" + type + ") does not hold JSON: "
                + e.getMessage());
          }
        }
        default -> {
          // ObjectMeta, LabelSelector, ...: plain messages
        }
      }
    }
    return message(message, path, warnings);
  }

  /** A {@code time.Duration} as Go's {@code String()} writes it ({@code 1h0m0s}, {@code 1.5s}, {@code 300ms}). */
  static String goDuration(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    long u = Math.abs(nanos);
    String text;
    if (u < 1_000L) {
      text = u + "ns";
    } else if (u < 1_000_000L) {
      text = fraction(u, 3) + "\u00b5s";
    } else if (u < 1_000_000_000L) {
      text = fraction(u, 6) + "ms";
    } else {
      long minutes = u / 60_000_000_000L;
      text = fraction(u % 60_000_000_000L, 9) + "s";
      if (minutes > 0) {
        text = (minutes % 60) + "m" + text;
        if (minutes >= 60) {
          text = (minutes / 60) + "h" + text;
        }
      }
    }
    return nanos < 0 ? "-" + text : text;
  }

  private static String fraction(long value, int digits) {
    long scale = (long) Math.pow(10, digits);
    String decimals = String.format(Locale.ROOT, "%0" + digits + "d", value % scale).replaceAll("0+$", "");
    return (value / scale) + (decimals.isEmpty() ? "" : "." + decimals);
  }

  private static long longField(Message message, String name) {
    FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
    Object value = field == null ? null : message.getField(field);
    return value instanceof Number number ? number.longValue() : 0;
  }

  private static String stringField(Message message, String name) {
    FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
    Object value = field == null ? null : message.getField(field);
    return value == null ? "" : value.toString();
  }
}
