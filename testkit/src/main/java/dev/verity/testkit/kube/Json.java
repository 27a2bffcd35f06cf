package dev.verity.testkit.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** JSON/YAML helpers over Jackson trees: the sandbox keeps every object as an {@link ObjectNode}. */
final class Json {

  static final ObjectMapper MAPPER = new ObjectMapper();
  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
  /**
   * YAML bodies written in JSON's flow style: YAML allows tabs and a trailing comma there (the API server's YAML
   * reader accepts both), which Jackson's YAML reader refuses, so they are read as lenient JSON instead.
   */
  private static final ObjectMapper FLOW_YAML = JsonMapper.builder()
      .enable(JsonReadFeature.ALLOW_TRAILING_COMMA)
      .enable(JsonReadFeature.ALLOW_YAML_COMMENTS)
      .build();

  private Json() {
  }

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  /** Parses a request body as a single JSON object; YAML is accepted where {@code yaml} is true (JSON is YAML too). */
  static ObjectNode parseObject(String body, boolean yaml) {
    if (body == null || body.isBlank()) {
      throw ApiException.badRequest("the request body is empty: expected a " + (yaml ? "YAML or JSON" : "JSON") + " object");
    }
    JsonNode node;
    try {
      node = (yaml ? (body.strip().startsWith("{") ? FLOW_YAML : YAML) : MAPPER).readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("the request body is not valid " + (yaml ? "YAML" : "JSON") + ": " + e.getOriginalMessage());
    }
    if (!(node instanceof ObjectNode object)) {
      throw ApiException.badRequest("the request body must be a " + (yaml ? "YAML or JSON" : "JSON") + " object, got " + node.getNodeType());
    }
    return object;
  }

  static JsonNode parse(String body) {
    try {
      return MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("the request body is not valid JSON: " + e.getOriginalMessage());
    }
  }

  static String write(JsonNode node) {
    try {
      return MAPPER.writeValueAsString(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise " + node, e);
    }
  }

  static ObjectNode metadata(ObjectNode object) {
    JsonNode metadata = object.get("metadata");
    if (metadata instanceof ObjectNode m) {
      return m;
    }
    return object.putObject("metadata");
  }

  static String text(JsonNode node, String field) {
    JsonNode value = node == null ? null : node.get(field);
    return value == null || value.isNull() ? null : value.asText();
  }

  static String now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
