package dev.verity.receiver;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The GitHub payload fixtures, read as the exact bytes stored (copies of shared/fixtures/webhooks/github; see
 * src/test/resources/fixtures/README.md).
 */
public final class Fixtures {
    public static final String[] GITHUB = {"ping.json", "pull_request.json", "push-branch-delete.json",
            "push-new-branch.json", "push-tag-delete.json", "push-tag.json", "push.json"};

    private Fixtures() {
    }

    public static byte[] github(String name) {
        String resource = "/fixtures/github/" + name;
        try (InputStream in = Fixtures.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("test resource " + resource + " is missing");
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read test resource " + resource, e);
        }
    }
}
