package dev.verity.receiver;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

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
        assertThatThrownBy(() -> read("{\"ref\": \"refs/heads/main\", \"head_commit\": {\"message\": oops}}"))
                .hasMessageStartingWith("the push payload is not valid JSON");
        assertThatThrownBy(() -> read("{\"ref\": \"refs/heads/main\"} {\"ref\": \"refs/heads/other\"}"))
                .hasMessageStartingWith("the push payload is not valid JSON");
        assertThatThrownBy(() -> read("{\"ref\": \"refs/heads/main\""))
                .hasMessageStartingWith("the push payload is not valid JSON");
    }

    @Test
    void aBodyThatIsNotAnObjectIsRefusedSayingSo() {
        assertThatThrownBy(() -> read("[{\"ref\": \"refs/heads/main\"}]"))
                .hasMessage("the push payload is not a JSON object (the webhook's content type must be application/json)");
        assertThatThrownBy(() -> read("payload=%7B%7D")).hasMessageStartingWith("the push payload is not valid JSON");
        assertThatThrownBy(() -> read("")).hasMessageStartingWith("the push payload is not a JSON object");
    }
}
