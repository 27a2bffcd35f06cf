package dev.verity.receiver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The forge payload fixtures, read as the exact bytes stored: copies of shared/fixtures/webhooks (see
 * src/test/resources/fixtures/README.md and PROVENANCE.md there). Tests sign these bytes as they are.
 */
public final class Fixtures {
    public static final String[] GITHUB = {"ping.json", "pull_request.json", "push-branch-delete.json",
            "push-new-branch.json", "push-tag-delete.json", "push-tag.json", "push.json"};

    /** Every fixture file, by forge directory. */
    public static final Map<String, List<String>> ALL = Map.of(
            "github", List.of(GITHUB),
            "gitlab", List.of("push-branch-delete.json", "push.json", "tag_push.json"),
            "gitea", List.of("push-new-branch.json", "push.json"),
            "forgejo", List.of("push-docs-example.json"),
            "bitbucket", List.of("cloud-repo-push-branch-delete.json", "cloud-repo-push-tag-create.json",
                    "cloud-repo-push.json", "datacenter-repo-refs_changed-branch-delete.json",
                    "datacenter-repo-refs_changed-tag-create.json", "datacenter-repo-refs_changed.json"));

    private Fixtures() {
    }

    public static byte[] github(String name) {
        return read("github", name);
    }

    /** The stored bytes of {@code fixtures/<forge>/<name>}. */
    public static byte[] read(String forge, String name) {
        return resource("/fixtures/" + forge + "/" + name);
    }

    static byte[] resource(String resource) {
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("test resource " + resource + " is missing");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read test resource " + resource, e);
        }
    }
}
