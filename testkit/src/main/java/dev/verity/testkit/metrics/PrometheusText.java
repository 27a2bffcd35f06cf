package dev.verity.testkit.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The samples of a Prometheus text exposition (format 0.0.4, as {@code /q/metrics} answers it), for tests to find a
 * metric line by name and labels. Comment lines ({@code # HELP}, {@code # TYPE}) and exemplars (with traces on,
 * Micrometer adds the trace of a sample) are skipped. It does not scrape:
 * the test fetches the text over HTTP; and it does not validate the format beyond what it reads.
 */
public final class PrometheusText {

    /** One line: {@code name{labels} value}. */
    public record Sample(String name, Map<String, String> labels, double value) {

        /** True when every given label has the given value (other labels may be present). */
        public boolean has(Map<String, String> wanted) {
            return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
        }
    }

    /** {@code name{labels} value [timestamp]}, and an OpenMetrics exemplar ({@code # {trace_id=…} value}) is skipped. */
    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{((?:[^\"}]|\"(?:[^\"\\\\]|\\\\.)*\")*)})?"
            + "\\s+(\\S+)(?:\\s+[^#\\s]\\S*)?(?:\\s+#\\s+\\{.*)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final List<Sample> samples;

    private PrometheusText(List<Sample> samples) {
        this.samples = List.copyOf(samples);
    }

    /** Parses an exposition; a line that is neither a comment nor a sample is refused, naming it. */
    public static PrometheusText parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty() || trimmed.startsWith("#")) continue;
            Matcher m = LINE.matcher(trimmed);
            if (!m.matches()) throw new IllegalArgumentException("not a Prometheus sample line: " + line);
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\\\", "\\"));
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
        return new PrometheusText(samples);
    }

    /** Every sample. */
    public List<Sample> samples() {
        return samples;
    }

    /** The names of every sample that start with {@code prefix}, in order, without repeats. */
    public List<String> names(String prefix) {
        return samples.stream().map(Sample::name).filter(n -> n.startsWith(prefix)).distinct().toList();
    }

    /** The value of the one sample named {@code name} with these labels (among others); empty when none. */
    public Optional<Double> value(String name, Map<String, String> labels) {
        List<Sample> found = samples.stream().filter(s -> s.name().equals(name) && s.has(labels)).toList();
        if (found.size() > 1) {
            throw new IllegalArgumentException(found.size() + " samples of " + name + " have the labels " + labels
                    + ": " + found + "; name more labels");
        }
        return found.stream().findFirst().map(Sample::value);
    }

    /** Like {@link #value(String, Map)}, 0 when there is no such sample (a counter never incremented). */
    public double count(String name, Map<String, String> labels) {
        return value(name, labels).orElse(0.0);
    }
}
