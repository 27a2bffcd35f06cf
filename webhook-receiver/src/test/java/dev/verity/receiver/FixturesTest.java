package dev.verity.receiver;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The copied fixtures are byte-for-byte the shared ones: each file's SHA-256 is the one its PROVENANCE.md records,
 * and, when the shared set is next to the repository, every shared file has an identical copy here.
 */
class FixturesTest {

    private static final Pattern RECORDED = Pattern.compile("(?m)^([0-9a-f]{64})\\s+(\\S+\\.json)\\s*$");

    private static Map<String, String> recorded() {
        String provenance = new String(Fixtures.resource("/fixtures/PROVENANCE.md"), StandardCharsets.UTF_8);
        Map<String, String> sha = new HashMap<>();
        Matcher m = RECORDED.matcher(provenance);
        while (m.find()) sha.put(m.group(2), m.group(1));
        return sha;
    }

    @Test
    void everyCopyHasTheHashItsProvenanceRecords() throws Exception {
        Map<String, String> recorded = recorded();
        int files = 0;
        for (Map.Entry<String, List<String>> forge : Fixtures.ALL.entrySet()) {
            for (String name : forge.getValue()) {
                String path = forge.getKey() + "/" + name;
                assertThat(recorded).as("PROVENANCE.md records " + path).containsKey(path);
                assertThat(sha256(Fixtures.read(forge.getKey(), name))).as(path).isEqualTo(recorded.get(path));
                files++;
            }
        }
        assertThat(files).isEqualTo(recorded.size());
    }

    @Test
    void everySharedFixtureIsCopiedHere() throws Exception {
        Path shared = Path.of("../../shared/fixtures/webhooks");
        if (!Files.isDirectory(shared)) shared = Path.of("../shared/fixtures/webhooks");
        assumeTrue(Files.isDirectory(shared), "the shared fixture set is not next to this clone");
        Path root = shared;
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                String relative = root.relativize(file).toString().replace('\\', '/');
                String forge = relative.substring(0, relative.indexOf('/'));
                assertThat(Fixtures.ALL.getOrDefault(forge, List.of())).as("Fixtures.ALL lists " + relative)
                        .contains(relative.substring(forge.length() + 1));
                assertThat(Fixtures.resource("/fixtures/" + relative)).as(relative).isEqualTo(Files.readAllBytes(file));
            }
        }
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
