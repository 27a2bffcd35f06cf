package dev.verity.receiver;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What every forge's payload reader shares: strict JSON (a key twice is refused, unknown fields are fine), commit
 * ids, and turning one ref change (ref, before, after) into a {@link ParsedHook} after checking the ref as
 * {@link RefName} does.
 */
public final class Payloads {

    /** The id forges put for "no commit" (before of a new branch, after of a deleted one). */
    public static final String ZERO_ID = "0".repeat(40);

    // two values for one key: which one a reader takes differs between parsers, so the payload is refused; checked by
    // ObjectKeys, not Jackson's STRICT_DUPLICATE_DETECTION (a new hash set for every object of more than two keys)
    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Payloads() {
    }

    /** A payload that cannot be read; the message says why, naming the event. */
    public static final class Unreadable extends Exception {
        public Unreadable(String message) {
            super(message, null, false, false);
        }
    }

    /** The body as a JSON object; {@code what} names the delivery in messages (e.g. {@code "the Push Hook payload"}). */
    public static JsonNode object(byte[] body, String what) throws Unreadable {
        return object(() -> JSON.createParser(body), what);
    }

    /** {@link #object(byte[], String)} of the request's body, read where it lies (no copy, no stream). */
    public static JsonNode object(HookRequest request, String what) throws Unreadable {
        return object(request.bodyArray(), what);
    }

    /**
     * The names of every field any forge's reader looks at, at any depth ({@code GithubPushParser}, the Gitea,
     * GitLab, Bitbucket and generic readers). A payload is read as a stream and only these fields are kept in its
     * tree: commit messages, authors, URLs of everything but the repository, the repository's other hundred fields
     * are read past, never held. A reader that starts using another field must add its name here (the fixture tests
     * of every forge fail otherwise).
     */
    static final Set<String> KEPT = Set.of(
            // every forge: the ref change and its commits' paths
            "ref", "before", "after", "commits", "added", "modified", "removed", "paths",
            // GitHub: the repository by its URLs (/hooks/github), new, deleted and forced refs, the pusher, pings
            "repository", "clone_url", "git_url", "html_url", "ssh_url", "url", "full_name", "name", "created",
            "deleted", "forced", "pusher", "hook_id",
            // Gitea and Forgejo
            "ref_type", "sender", "login", "username", "total_commits",
            // GitLab
            "object_kind", "total_commits_count", "user_name", "user_username",
            // Bitbucket Cloud and Data Center
            "actor", "push", "changes", "new", "old", "type", "target", "hash", "refId", "fromHash", "toHash", "id",
            "displayName", "display_name", "nickname", "slug");

    /**
     * As {@link #object(byte[], String)}, reading the body as a stream and keeping only the {@link #KEPT} fields:
     * the whole body is still checked (valid JSON, no key twice at any depth, nothing after the object), but what is
     * held afterwards is what Verity reads, whatever the size of the rest.
     */
    public static JsonNode object(java.io.InputStream body, String what) throws Unreadable {
        return object(() -> JSON.createParser(body), what);
    }

    /** Opens the parser over a body (an array is parsed in place; a stream through Jackson's buffer). */
    private interface ParserSource {
        JsonParser open() throws IOException;
    }

    private static JsonNode object(ParserSource source, String what) throws Unreadable {
        JsonNode root;
        ObjectKeys keys = ObjectKeys.ofThisThread();
        try (JsonParser parser = source.open()) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                if (first != null) read(parser, first, keys); // a syntax error in it is the better message
                throw new Unreadable(what + " is not a JSON object (the webhook's content type must be application/json)");
            }
            root = read(parser, first, keys);
            if (parser.nextToken() != null) {
                throw new Unreadable(what + " is not valid JSON: something follows the object"
                        + " (the webhook's content type must be application/json)");
            }
        } catch (JsonProcessingException e) {
            if (e.getOriginalMessage().startsWith("Duplicate field")) {
                throw new Unreadable(what + " has a key twice: " + e.getOriginalMessage()
                        + "; a forge never sends that, so the delivery is refused");
            }
            throw new Unreadable(what + " is not valid JSON: " + e.getOriginalMessage()
                    + " (the webhook's content type must be application/json)");
        } catch (IOException e) {
            throw new Unreadable(what + " cannot be read: " + e.getMessage());
        } finally {
            keys.reset();
        }
        return root;
    }

    /** The value starting at {@code token}, objects pruned to their {@link #KEPT} fields (the rest read past). */
    private static JsonNode read(JsonParser parser, JsonToken token, ObjectKeys keys) throws IOException {
        switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                ObjectKeys.Level level = keys.enter();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                    String name = parser.currentName();
                    if (!level.add(name)) throw new JsonParseException(parser, "Duplicate field '" + name + "'");
                    JsonToken value = parser.nextToken();
                    if (KEPT.contains(name)) {
                        object.set(name, read(parser, value, keys));
                    } else {
                        skip(parser, value, keys);
                    }
                }
                keys.exit();
                return object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                    array.add(read(parser, t, keys));
                }
                return array;
            }
            case VALUE_STRING -> {
                return NODES.textNode(parser.getText());
            }
            case VALUE_NUMBER_INT -> {
                return switch (parser.getNumberType()) {
                    case INT -> NODES.numberNode(parser.getIntValue());
                    case LONG -> NODES.numberNode(parser.getLongValue());
                    default -> NODES.numberNode(parser.getBigIntegerValue());
                };
            }
            case VALUE_NUMBER_FLOAT -> {
                return NODES.numberNode(parser.getDoubleValue());
            }
            case VALUE_TRUE, VALUE_FALSE -> {
                return NODES.booleanNode(token == JsonToken.VALUE_TRUE);
            }
            case VALUE_NULL -> {
                return NODES.nullNode();
            }
            default -> throw new JsonParseException(parser, "unexpected " + token);
        }
    }

    /**
     * Reads past the value starting at {@code token}, holding nothing of it; its syntax is checked by the tokenizer and
     * its objects' keys here.
     */
    private static void skip(JsonParser parser, JsonToken token, ObjectKeys keys) throws IOException {
        if (token == JsonToken.START_OBJECT) {
            ObjectKeys.Level level = keys.enter();
            for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
                String name = parser.currentName();
                if (!level.add(name)) throw new JsonParseException(parser, "Duplicate field '" + name + "'");
                skip(parser, parser.nextToken(), keys);
            }
            keys.exit();
        } else if (token == JsonToken.START_ARRAY) {
            for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
                skip(parser, t, keys);
            }
        }
    }

    /** The field's text, or null when it is missing, not a string, or blank. */
    public static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value == null || !value.isTextual() || value.asText().isBlank() ? null : value.asText();
    }

    public static boolean isZeros(String id) {
        if (id == null || id.isEmpty()) return false;
        for (int i = 0; i < id.length(); i++) {
            if (id.charAt(i) != '0') return false;
        }
        return true;
    }

    /** Whether {@code id} is a SHA-1 or SHA-256 object name in lowercase hex (40 or 64 digits), as forges write them. */
    public static boolean isCommitId(String id) {
        if (id == null || id.length() != 40 && id.length() != 64) return false;
        for (int i = 0; i < id.length(); i++) {
            char c = id.charAt(i);
            if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) return false;
        }
        return true;
    }

    /**
     * The sorted union of {@code added}, {@code modified} and {@code removed} over {@code commits}, or empty when a
     * commit does not list them (some forges' examples omit them: then the paths are not known).
     */
    public static Optional<List<String>> commitPaths(JsonNode commits) {
        SortedSet<String> paths = new TreeSet<>();
        if (commits == null || !commits.isArray()) return Optional.empty();
        for (JsonNode commit : commits) {
            boolean listed = false;
            for (String field : List.of("added", "modified", "removed")) {
                JsonNode list = commit.get(field);
                if (list == null || !list.isArray()) continue;
                listed = true;
                for (JsonNode path : list) {
                    if (path.isTextual() && !path.asText().isEmpty()) paths.add(path.asText());
                }
            }
            if (!listed) return Optional.empty();
        }
        return Optional.of(List.copyOf(paths));
    }

    /**
     * One ref change as any forge reports it, checked and classified: an invalid ref or commit id is
     * {@link ParsedHook.Invalid}; a tag is {@link ParsedHook.Ignored}; {@code after} all zeros is a
     * {@link ParsedHook.Deletion}; anything else a {@link ParsedHook.Push}, whose paths are complete only when
     * {@code pathsListedInFull} and the branch existed before.
     *
     * @param what       names the delivery in messages
     * @param ref        the full ref ({@code refs/heads/main})
     * @param before     the old head, or null/zeros for a new ref
     * @param after      the new head, zeros for a deleted ref
     */
    public static ParsedHook change(String what, ForgeRepository repo, String ref, String before, String after,
            List<String> paths, boolean pathsListedInFull, String deliveryId, String pusher) {
        if (ref == null) return new ParsedHook.Invalid(what + " has no ref");
        Optional<String> badRef = RefName.problem(ref);
        if (badRef.isPresent()) return new ParsedHook.Invalid(what + "'s ref is not valid: " + badRef.get());
        if (!isCommitId(after)) {
            return new ParsedHook.Invalid(what + "'s new head is not a commit id: " + printable(after));
        }
        if (before != null && !isCommitId(before)) {
            return new ParsedHook.Invalid(what + "'s old head is not a commit id: " + printable(before));
        }
        if (ref.startsWith(RefName.TAG_PREFIX)) {
            return new ParsedHook.Ignored(Optional.ofNullable(repo), "tag " + (isZeros(after) ? "deletion " : "push ")
                    + ref + ": Verity renders branch heads only");
        }
        String branch = ref.substring(RefName.BRANCH_PREFIX.length());
        if (isZeros(after)) {
            if (before == null || isZeros(before)) {
                return new ParsedHook.Invalid(what + " deletes branch " + branch + " but names no commit it pointed at");
            }
            return new ParsedHook.Deletion(repo, branch, before, deliveryId, pusher);
        }
        boolean created = before == null || isZeros(before);
        return new ParsedHook.Push(repo, branch, before == null ? ZERO_ID : before, after, paths,
                deliveryId, pathsListedInFull && !created, pusher);
    }

    /** A value from a payload for messages: at most 80 characters, control characters escaped. */
    public static String printable(String value) {
        if (value == null) return "(none)";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < value.length() && sb.length() < 80; i++) {
            char c = value.charAt(i);
            if (c < 0x20 || c == 0x7f) sb.append(String.format("\\u%04x", (int) c)); else sb.append(c);
        }
        return sb.length() < value.length() ? sb + "…" : sb.toString();
    }
}
