package dev.verity.receiver;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PayloadsTest {

    private static JsonNode read(String json) throws Payloads.Unreadable {
        return Payloads.object(json.getBytes(StandardCharsets.UTF_8), "the push payload");
    }

    @Test
    void onlyTheFieldsAForgeReaderLooksAtAreKeptWhateverTheRestHolds() throws Exception {
        JsonNode root = read("""
                {"ref": "refs/heads/main", "before": "%s", "after": "%s",
                 "repository": {"id": 42, "full_name": "acme/shop", "clone_url": "https://github.com/acme/shop.git",
                                "description": "a shop", "owner": {"login": "acme", "avatar_url": "https://x"}},
                 "commits": [{"id": "c1", "message": "%s", "author": {"name": "Ann", "email": "ann@example.com"},
                              "added": ["a.yaml"], "modified": [], "removed": ["b.yaml"]},
                             {"message": "nothing kept but the commit itself"}],
                 "head_commit": {"id": "c1", "message": "again"}, "forced": false, "total_commits_count": 2}
                """.formatted("a".repeat(40), "b".repeat(40), "x".repeat(10_000)));

        assertThat(root.get("ref").asText()).isEqualTo("refs/heads/main");
        assertThat(root.get("forced").asBoolean()).isFalse();
        assertThat(root.get("total_commits_count").asInt()).isEqualTo(2);
        assertThat(root.has("head_commit")).as("a field no reader looks at is read past").isFalse();
        assertThat(root.get("repository").get("id").asLong()).isEqualTo(42);
        assertThat(root.get("repository").get("clone_url").asText()).isEqualTo("https://github.com/acme/shop.git");
        assertThat(root.get("repository").has("description")).isFalse();
        assertThat(root.get("repository").has("owner")).isFalse();
        assertThat(root.get("commits")).as("every commit is kept, so that counts stay true").hasSize(2);
        JsonNode first = root.get("commits").get(0);
        assertThat(first.has("message")).isFalse();
        assertThat(first.has("author")).isFalse();
        assertThat(first.get("added").get(0).asText()).isEqualTo("a.yaml");
        assertThat(first.get("removed").get(0).asText()).isEqualTo("b.yaml");
        assertThat(root.get("commits").get(1).isObject()).isTrue();
        assertThat(Payloads.commitPaths(root.get("commits"))).isEmpty(); // the second commit lists no paths
    }

    @Test
    void theWholeBodyIsStillCheckedInsideTheFieldsReadPast() {
        assertThatThrownBy(() -> read("{\"ref\": \"refs/heads/main\", \"head_commit\": {\"id\": 1, \"id\": 2}}"))
                .hasMessageStartingWith("the push payload has a key twice: Duplicate field 'id'");
        assertThatThrownBy(() -> read("{\"ref\": \"refs/heads/main\", \"ref\": \"refs/heads/evil\"}"))
                .hasMessageStartingWith("the push payload has a key twice");
        assertThatThrownBy(() -> read("{\"ref\": \"refs/heads/main\", \"head_commit\": [1, {\"a\": [{\"b\": 1, \"c\": {},"
                + " \"b\": 2}]}]}"))
                .as("deep inside a value read past").hasMessageStartingWith("the push payload has a key twice: Duplicate field 'b'");
        assertThatThrownBy(() -> read("{\"commits\": [{\"added\": []}, {\"added\": [], \"x\": {}, \"added\": [\"a\"]}]}"))
                .as("inside a kept value").hasMessageStartingWith("the push payload has a key twice: Duplicate field 'added'");
        assertThatThrownBy(() -> read("{\"ref\": \"refs/heads/main\", \"head_commit\": {\"message\": oops}}"))
                .hasMessageStartingWith("the push payload is not valid JSON");
        assertThatThrownBy(() -> read("{\"ref\": \"refs/heads/main\"} {\"ref\": \"refs/heads/other\"}"))
                .hasMessageStartingWith("the push payload is not valid JSON");
        assertThatThrownBy(() -> read("{\"ref\": \"refs/heads/main\""))
                .hasMessageStartingWith("the push payload is not valid JSON");
    }

    @Test
    void theSameKeyInDifferentObjectsIsNoDuplicate() throws Exception {
        JsonNode root = read("{\"repository\": {\"name\": \"shop\", \"owner\": {\"name\": \"acme\", \"id\": 1}, \"id\": 2},"
                + " \"commits\": [{\"id\": \"a\", \"author\": {\"name\": \"Ann\"}}, {\"id\": \"b\"}], \"name\": \"x\"}");
        assertThat(root.get("repository").get("id").asInt()).isEqualTo(2);
        assertThat(root.get("commits")).hasSize(2);
        assertThat(root.get("name").asText()).isEqualTo("x");
    }

    /**
     * Random nested payloads whose keys come from a small set, so some objects repeat a key: the payload is refused
     * exactly when Jackson's own strict duplicate detection refuses it.
     */
    @Test
    void duplicateKeysAreRefusedExactlyWhereJacksonsStrictDetectionFindsThem() {
        com.fasterxml.jackson.databind.ObjectMapper strict = com.fasterxml.jackson.databind.json.JsonMapper.builder()
                .enable(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
        java.util.Random random = new java.util.Random(20261207);
        int refused = 0;
        for (int i = 0; i < 2_000; i++) {
            StringBuilder json = new StringBuilder();
            object(json, random, 0);
            boolean jacksonRefuses;
            try {
                strict.readTree(json.toString());
                jacksonRefuses = false;
            } catch (Exception e) {
                jacksonRefuses = true;
            }
            boolean refusedHere;
            try {
                read(json.toString());
                refusedHere = false;
            } catch (Payloads.Unreadable e) {
                assertThat(e.getMessage()).as(json.toString()).contains("has a key twice");
                refusedHere = true;
            }
            assertThat(refusedHere).as(json.toString()).isEqualTo(jacksonRefuses);
            if (refusedHere) refused++;
        }
        assertThat(refused).as("both outcomes are exercised").isBetween(200, 1_800);
    }

    private static final List<String> KEYS = List.of("ref", "after", "commits", "added", "id", "name", "message",
            "repository", "url", "owner", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8", "k9", "k10");

    private static void object(StringBuilder json, java.util.Random random, int depth) {
        json.append('{');
        int fields = random.nextInt(depth == 0 ? 6 : 4);
        for (int f = 0; f < fields; f++) {
            if (f > 0) json.append(',');
            json.append('"').append(KEYS.get(random.nextInt(KEYS.size()))).append("\":");
            value(json, random, depth + 1);
        }
        json.append('}');
    }

    private static void value(StringBuilder json, java.util.Random random, int depth) {
        int kind = depth > 4 ? 2 + random.nextInt(2) : random.nextInt(4);
        switch (kind) {
            case 0 -> object(json, random, depth);
            case 1 -> {
                json.append('[');
                int items = random.nextInt(3);
                for (int i = 0; i < items; i++) {
                    if (i > 0) json.append(',');
                    value(json, random, depth + 1);
                }
                json.append(']');
            }
            case 2 -> json.append('"').append(random.nextInt(100)).append('"');
            default -> json.append(random.nextInt(100));
        }
    }

    @Test
    void aBodyThatIsNotAnObjectIsRefusedSayingSo() {
        assertThatThrownBy(() -> read("[{\"ref\": \"refs/heads/main\"}]"))
                .hasMessage("the push payload is not a JSON object (the webhook's content type must be application/json)");
        assertThatThrownBy(() -> read("payload=%7B%7D")).hasMessageStartingWith("the push payload is not valid JSON");
        assertThatThrownBy(() -> read("")).hasMessageStartingWith("the push payload is not a JSON object");
    }
}
