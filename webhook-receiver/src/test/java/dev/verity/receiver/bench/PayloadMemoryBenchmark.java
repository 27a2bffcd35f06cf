package dev.verity.receiver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.verity.receiver.Fixtures;
import dev.verity.receiver.Payloads;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code ./verity bench payloads}: how much heap the tree of one verified payload holds, as {@link Payloads} keeps it
 * (only the fields a forge's reader uses) and as a whole Jackson tree would be, against the body's size. Each tree is
 * measured by keeping many copies of it and reading the heap in use after full collections before and after
 * (run it with {@code -XX:+UseSerialGC}, as the command does, for collections that leave nothing behind). Figures
 * only, printed as a table and one JSON line; nothing is asserted.
 */
public final class PayloadMemoryBenchmark {

    /** One payload's figures, bytes per copy. */
    record Row(String payload, int body, long wholeTree, long keptTree) {
        String json() {
            return String.format(Locale.ROOT, "{\"payload\":\"%s\",\"bodyBytes\":%d,\"wholeTreeBytes\":%d,"
                    + "\"keptTreeBytes\":%d}", payload, body, wholeTree, keptTree);
        }
    }

    private static final ObjectMapper WHOLE = new ObjectMapper();

    public static void main(String[] args) throws Exception {
        Map<String, byte[]> payloads = new java.util.LinkedHashMap<>();
        payloads.put("GitHub push.json (fixture)", Fixtures.github("push.json"));
        payloads.put("GitLab push.json (fixture)", Fixtures.read("gitlab", "push.json"));
        payloads.put("Bitbucket Cloud repo-push (fixture)", Fixtures.read("bitbucket", "cloud-repo-push.json"));
        payloads.put("2,048 commits, 1 KB message and 5 added paths each", bigPush(2048));
        List<Row> rows = new ArrayList<>();
        for (Map.Entry<String, byte[]> p : payloads.entrySet()) {
            byte[] body = p.getValue();
            int copies = (int) Math.max(20, Math.min(5_000, 40_000_000L / (body.length * 3L)));
            long whole = perCopy(copies, () -> WHOLE.readTree(body));
            long kept = perCopy(copies, () -> Payloads.object(body, "the payload"));
            rows.add(new Row(p.getKey(), body.length, whole, kept));
        }
        System.out.printf(Locale.ROOT, "%-52s %12s %20s %20s%n", "payload", "body", "whole tree", "kept tree");
        for (Row r : rows) {
            System.out.printf(Locale.ROOT, "%-52s %10d B %12d B (%.2fx) %12d B (%.2fx)%n", r.payload(), r.body(),
                    r.wholeTree(), (double) r.wholeTree() / r.body(), r.keptTree(), (double) r.keptTree() / r.body());
        }
        System.out.println(rows.stream().map(Row::json).collect(java.util.stream.Collectors.joining(",",
                "{\"benchmark\":\"payloads\",\"rows\":[", "]}")));
    }

    private interface Parse {
        JsonNode parse() throws Exception;
    }

    /** Heap held per tree: {@code copies} trees kept at once, the heap in use after collection, before and after. */
    private static long perCopy(int copies, Parse parse) throws Exception {
        parse.parse(); // classes loaded, caches warm: not counted
        long before = usedAfterGc();
        JsonNode[] kept = new JsonNode[copies];
        for (int i = 0; i < copies; i++) kept[i] = parse.parse();
        long after = usedAfterGc();
        if (kept[copies - 1] == null) throw new IllegalStateException("nothing parsed");
        return (after - before) / copies;
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** A GitHub-shaped push of {@code commits} commits, each with a 1 KB message and five added paths. */
    static byte[] bigPush(int commits) {
        StringBuilder json = new StringBuilder(commits * 1400).append("{\"ref\":\"refs/heads/main\",\"before\":\"")
                .append("1".repeat(40)).append("\",\"after\":\"").append("2".repeat(40)).append("\",\"commits\":[");
        String message = "x".repeat(1024);
        for (int c = 0; c < commits; c++) {
            if (c > 0) json.append(',');
            json.append("{\"id\":\"").append(String.format(Locale.ROOT, "%040x", c)).append("\",\"message\":\"")
                    .append(message).append("\",\"author\":{\"name\":\"A\",\"email\":\"a@example.com\"},\"added\":[");
            for (int f = 0; f < 5; f++) {
                if (f > 0) json.append(',');
                json.append("\"apps/app-").append(c).append("/file-").append(f).append(".yaml\"");
            }
            json.append("],\"removed\":[],\"modified\":[]}");
        }
        json.append("],\"repository\":{\"clone_url\":\"https://github.com/example/repo.git\",\"full_name\":"
                + "\"example/repo\"},\"pusher\":{\"name\":\"a\"}}");
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }
}
