package dev.verity.reliability;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The suite's table — scenario, faults injected, events, lost, duplicated, time to recover, seconds taken — as text
 * and as JSON (with every check and action behind each row).
 */
public final class SuiteReport {

    private final String form;
    private final List<ScenarioResult> results;

    public SuiteReport(String form, List<ScenarioResult> results) {
        this.form = form;
        this.results = List.copyOf(results);
    }

    public List<ScenarioResult> results() {
        return results;
    }

    public boolean passed() {
        return results.stream().allMatch(ScenarioResult::passed);
    }

    public int lost() {
        return results.stream().mapToInt(ScenarioResult::lost).sum();
    }

    /** Every failure of every scenario, one line each. */
    public List<String> failures() {
        List<String> all = new ArrayList<>();
        results.forEach(r -> all.addAll(r.failures()));
        return all;
    }

    public String table() {
        String[] head = {"scenario", "faults injected", "events", "lost", "duplicated", "time to recover", "seconds", "result"};
        List<String[]> rows = new ArrayList<>();
        rows.add(head);
        for (ScenarioResult r : results) {
            rows.add(new String[] {r.scenario(), r.faults(), String.valueOf(r.events()), String.valueOf(r.lost()),
                    String.valueOf(r.duplicated()),
                    r.timeToRecover() == null ? "-" : String.format(Locale.ROOT, "%.1f s", r.timeToRecover().toMillis() / 1000.0),
                    String.format(Locale.ROOT, "%.1f", r.seconds()), r.passed() ? "passed" : "FAILED"});
        }
        int[] width = new int[head.length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) width[i] = Math.max(width[i], row[i].length());
        }
        StringBuilder sb = new StringBuilder("Reliability suite (" + form + " form)\n");
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < head.length; i++) {
                String cell = rows.get(r)[i];
                boolean number = i >= 2 && i <= 6 && r > 0;
                line.append(i == 0 ? "" : " | ").append(number ? pad(cell, width[i], true) : pad(cell, width[i], false));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
            if (r == 0) {
                StringBuilder rule = new StringBuilder();
                for (int i = 0; i < head.length; i++) rule.append(i == 0 ? "" : "-+-").append("-".repeat(width[i]));
                sb.append(rule).append('\n');
            }
        }
        sb.append(passed() ? "passed: nothing lost" : "FAILED: " + lost() + " lost; " + failures().size() + " failure(s)");
        return sb.toString();
    }

    private static String pad(String s, int width, boolean right) {
        String fill = " ".repeat(Math.max(0, width - s.length()));
        return right ? fill + s : s + fill;
    }

    public String json() {
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("form", form);
        root.put("passed", passed());
        root.put("lost", lost());
        ArrayNode rows = root.putArray("scenarios");
        for (ScenarioResult r : results) {
            ObjectNode row = rows.addObject();
            row.put("scenario", r.scenario());
            row.put("faults", r.faults());
            row.put("events", r.events());
            row.put("lost", r.lost());
            row.put("duplicated", r.duplicated());
            if (r.timeToRecover() == null) row.putNull("timeToRecoverSeconds");
            else row.put("timeToRecoverSeconds", r.timeToRecover().toMillis() / 1000.0);
            row.put("seconds", Math.round(r.seconds() * 10) / 10.0);
            row.put("passed", r.passed());
            ArrayNode checks = row.putArray("checks");
            r.checks().forEach(c -> checks.addObject().put("check", c.what()).put("passed", c.passed()).put("seen", c.seen()));
            ArrayNode actions = row.putArray("actions");
            r.actions().forEach(actions::add);
        }
        try {
            return json.writeValueAsString(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@link #json()} to {@code file}, creating its folder. */
    public void write(Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.writeString(file, json());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the reliability report to " + file, e);
        }
    }
}
