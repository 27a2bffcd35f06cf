package dev.verity.kustomize;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.Node;
import dev.verity.kustomize.yaml.ScalarNode;
import dev.verity.kustomize.yaml.SeqNode;

/**
 * The name suffix Kustomize gives generated ConfigMaps and Secrets: the SHA-256 of a JSON document holding the kind,
 * the data (and binaryData / stringData, type), encoded as Go's encoding/json does, its first ten hex digits with
 * vowel-like digits replaced. Kustomize looks the name up under a path that never matches, so the name in the
 * document is always empty; the hash depends on content only.
 */
final class ContentHash {

    private ContentHash() {
    }

    static void addHashSuffixes(List<Resource> resources, Deadline deadline) {
        for (Resource resource : resources) {
            deadline.check("hashing generated names");
            if (resource.needsHash) {
                String hash = hash(resource.body);
                resource.storePreviousId();
                resource.setName(resource.name() + "-" + hash);
            }
        }
    }

    static String hash(MapNode body) {
        String kind = body.string("kind");
        StringBuilder json = new StringBuilder();
        if ("ConfigMap".equals(kind)) {
            json.append('{');
            if (body.map("binaryData") != null) {
                json.append("\"binaryData\":");
                encode(body.map("binaryData"), json);
                json.append(',');
            }
            json.append("\"data\":");
            encodeField(body.get("data"), json);
            json.append(",\"kind\":\"ConfigMap\",\"name\":\"\"}");
        } else if ("Secret".equals(kind)) {
            json.append("{\"data\":");
            encodeField(body.get("data"), json);
            json.append(",\"kind\":\"Secret\",\"name\":\"\"");
            if (body.map("stringData") != null) {
                json.append(",\"stringData\":");
                encode(body.map("stringData"), json);
            }
            json.append(",\"type\":");
            encodeField(body.get("type"), json);
            json.append('}');
        } else {
            encode(body, json);
        }
        return encode(sha256Hex(json.toString()));
    }

    private static void encodeField(Node value, StringBuilder json) {
        if (value == null) {
            json.append("\"\"");
        } else if (value instanceof ScalarNode scalar && !scalar.isNull()) {
            string(scalar.value(), json);
        } else if (value instanceof MapNode map) {
            encode(map, json);
        } else {
            json.append("null");
        }
    }

    /** Go encoding/json of a parsed document: map keys sorted bytewise, HTML characters escaped. */
    static void encode(Node node, StringBuilder json) {
        if (node instanceof MapNode map) {
            List<String> keys = new ArrayList<>(map.keys());
            keys.sort(ContentHash::compareBytes);
            json.append('{');
            boolean first = true;
            for (String key : keys) {
                if (!first) {
                    json.append(',');
                }
                first = false;
                string(key, json);
                json.append(':');
                encode(map.get(key), json);
            }
            json.append('}');
        } else if (node instanceof SeqNode seq) {
            json.append('[');
            for (int i = 0; i < seq.size(); i++) {
                if (i > 0) {
                    json.append(',');
                }
                encode(seq.get(i), json);
            }
            json.append(']');
        } else {
            ScalarNode scalar = (ScalarNode) node;
            switch (scalar.tag()) {
                case STR -> string(scalar.value(), json);
                case NULL -> json.append("null");
                default -> json.append(scalar.value());
            }
        }
    }

    private static int compareBytes(String a, String b) {
        return java.util.Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }

    private static void string(String value, StringBuilder json) {
        json.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> json.append(String.format("\\u%04x", (int) c));
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }

    private static String sha256Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            StringBuilder hex = new StringBuilder();
            for (byte b : digest) {
                hex.append(String.format("%02x", b));
            }
            return hex.toString();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(String hex) {
        StringBuilder out = new StringBuilder();
        for (char c : hex.substring(0, 10).toCharArray()) {
            out.append(switch (c) {
                case '0' -> 'g';
                case '1' -> 'h';
                case '3' -> 'k';
                case 'a' -> 'm';
                case 'e' -> 't';
                default -> c;
            });
        }
        return out.toString();
    }
}
