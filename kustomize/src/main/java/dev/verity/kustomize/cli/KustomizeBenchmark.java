package dev.verity.kustomize.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import dev.verity.kustomize.KustomizeException;
import dev.verity.kustomize.Kustomizer;
import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.YamlReader;

/**
 * {@code ./verity bench kustomize}: renders every conformance case and a generated monorepo (200 apps, a base and
 * three overlays each) with the engine and, in the same run, with {@code kubectl kustomize} when a kubectl of 1.27 or
 * newer is on PATH; checks that every output is byte-identical (and that the error cases fail in both); prints cold
 * and warm times per render, median and p99, and the ratio kubectl/engine, as one JSON line and one sentence. Nothing
 * is cached between renders: each render reads its files from disk again.
 *
 * <p>Engine cold: each target's first render by a fresh {@link Kustomizer}, and the very first render in this JVM;
 * engine process: {@code verity render} in a fresh JVM, wall time of the process, for a sample of targets. Warm: the
 * later rounds. kubectl: a process per render (as Verity's renderer ran it); its first round is reported as cold.
 */
public final class KustomizeBenchmark {

    /** What to run. */
    public record Options(Path corpus, Path workDir, int apps, int cases, int rounds, int kubectlRounds,
            int processRuns, String kubectl) {

        static Options parse(List<String> args) {
            Path repoRoot = Path.of("").toAbsolutePath();
            Path corpus = null;
            Path workDir = null;
            int apps = 200;
            int cases = Integer.MAX_VALUE;
            int rounds = 10;
            int kubectlRounds = 2;
            int processRuns = 10;
            String kubectl = "kubectl";
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (arg.equals("-h") || arg.equals("--help")) {
                    throw new IllegalArgumentException("");
                }
                if (i + 1 >= args.size()) {
                    throw new IllegalArgumentException("'" + arg + "' needs a value or is not an option");
                }
                String value = args.get(++i);
                switch (arg) {
                    case "--repo-root" -> repoRoot = Path.of(value).toAbsolutePath();
                    case "--corpus" -> corpus = Path.of(value).toAbsolutePath();
                    case "--work-dir" -> workDir = Path.of(value).toAbsolutePath();
                    case "--apps" -> apps = count(arg, value, 0);
                    case "--cases" -> cases = count(arg, value, 0);
                    case "--rounds" -> rounds = count(arg, value, 1);
                    case "--kubectl-rounds" -> kubectlRounds = count(arg, value, 1);
                    case "--process-runs" -> processRuns = count(arg, value, 0);
                    case "--kubectl" -> kubectl = value;
                    default -> throw new IllegalArgumentException("unknown option '" + arg + "'");
                }
            }
            if (corpus == null) {
                Path shared = repoRoot.resolve("../shared/conformance/kustomize").normalize();
                corpus = Files.isDirectory(shared) ? shared
                        : repoRoot.resolve("kustomize/src/test/resources/conformance/kustomize");
            }
            if (workDir == null) {
                workDir = repoRoot.resolve(".verity/bench-kustomize");
            }
            return new Options(corpus, workDir, apps, cases, rounds, kubectlRounds, processRuns, kubectl);
        }

        private static int count(String option, String value, int min) {
            try {
                int n = Integer.parseInt(value);
                if (n >= min) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw new IllegalArgumentException(option + " needs a whole number of at least " + min + ", got '" + value + "'");
        }
    }

    static final String USAGE = """
            usage: verity bench kustomize [--apps 200] [--cases N] [--rounds 10] [--kubectl-rounds 2]
                                          [--process-runs 10] [--kubectl kubectl] [--corpus DIR] [--work-dir DIR]
              Renders every conformance case and a generated monorepo (--apps apps, three overlays each) with the
              engine and with `kubectl kustomize` (when kubectl >= 1.27 is on PATH), checks the outputs are identical,
              and prints cold and warm times per render as JSON and a line. Exit 1 when an output differs.
            """;

    /** One thing to render: a conformance case's root or an overlay of the monorepo. */
    record Target(String name, Path dir, boolean expectError) {
    }

    /** Median and p99 of a set of times, in milliseconds. */
    public record Stats(int count, double median, double p99) {

        static Stats of(List<Double> millis) {
            if (millis.isEmpty()) {
                return new Stats(0, Double.NaN, Double.NaN);
            }
            double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Stats(sorted.length, percentile(sorted, 50), percentile(sorted, 99));
        }

        private static double percentile(double[] sorted, int p) {
            int rank = (int) Math.ceil(p / 100.0 * sorted.length);
            return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
        }

        String json() {
            return count == 0 ? "null"
                    : String.format(Locale.ROOT, "{\"n\":%d,\"median\":%.3f,\"p99\":%.3f}", count, median, p99);
        }
    }

    /**
     * What one run measured.
     *
     * @param kubectlVersion the kubectl compared against, or null when absent (then {@code kubectlAbsent} says why)
     * @param identical      targets whose outputs were byte-identical (or that failed in both)
     * @param differences    targets whose outputs differed, with how
     */
    public record Figures(int conformanceCases, int apps, int overlays, double jvmFirstRenderMillis, Stats engineCold,
            Stats engineWarm, Stats engineProcess, String kubectlVersion, String kubectlAbsent, Stats kubectlCold,
            Stats kubectlWarm, int identical, List<String> differences) {

        public boolean failed() {
            return !differences.isEmpty();
        }

        Double warmRatio() {
            return kubectlVersion == null ? null : kubectlWarm.median() / engineWarm.median();
        }

        Double coldRatio() {
            return kubectlVersion == null ? null : kubectlCold.median() / engineCold.median();
        }

        Double processRatio() {
            return kubectlVersion == null || engineProcess.count() == 0 ? null
                    : kubectlWarm.median() / engineProcess.median();
        }

        public String json() {
            return String.format(Locale.ROOT, "{\"benchmark\":\"kustomize\",\"conformanceCases\":%d,\"apps\":%d,"
                    + "\"overlays\":%d,\"renders\":%d,\"engine\":{\"jvmFirstRenderMs\":%.1f,\"coldMs\":%s,"
                    + "\"warmMs\":%s,\"processMs\":%s},\"kubectl\":%s,\"identical\":%d,\"different\":%d,"
                    + "\"ratio\":{\"warmMedian\":%s,\"coldMedian\":%s,\"kubectlWarmOverEngineProcess\":%s},"
                    + "\"goal\":{\"ratio\":20},\"differences\":[%s]}",
                    conformanceCases, apps, overlays, conformanceCases + overlays, jvmFirstRenderMillis,
                    engineCold.json(), engineWarm.json(), engineProcess.json(),
                    kubectlVersion == null ? "{\"absent\":" + quote(kubectlAbsent) + "}"
                            : "{\"version\":" + quote(kubectlVersion) + ",\"coldMs\":" + kubectlCold.json()
                                    + ",\"warmMs\":" + kubectlWarm.json() + "}",
                    identical, differences.size(), number(warmRatio()), number(coldRatio()), number(processRatio()),
                    String.join(",", differences.stream().map(KustomizeBenchmark::quote).toList()));
        }

        public String line() {
            String engine = String.format(Locale.ROOT,
                    "engine warm median %.2f ms, p99 %.2f ms; cold (fresh engine) median %.2f ms, p99 %.2f ms; "
                            + "first render in the JVM %.0f ms%s",
                    engineWarm.median(), engineWarm.p99(), engineCold.median(), engineCold.p99(),
                    jvmFirstRenderMillis, engineProcess.count() == 0 ? ""
                            : String.format(Locale.ROOT, "; `verity render` process median %.0f ms",
                                    engineProcess.median()));
            String renders = (conformanceCases + overlays) + " renders (" + conformanceCases + " conformance cases, "
                    + overlays + " overlays of " + apps + " apps)";
            if (kubectlVersion == null) {
                return "kustomize bench: " + renders + " with the engine only (" + kubectlAbsent + "); " + engine;
            }
            String verdict = differences.isEmpty() ? "all identical to kubectl " + kubectlVersion
                    : "FAILED: " + differences.size() + " differ from kubectl " + kubectlVersion;
            return String.format(Locale.ROOT, "kustomize bench: %s, %s; %s; kubectl warm median %.1f ms, p99 %.1f ms, "
                            + "cold median %.1f ms; kubectl/engine %.0fx warm, %.0fx cold%s",
                    renders, verdict, engine, kubectlWarm.median(), kubectlWarm.p99(), kubectlCold.median(),
                    warmRatio(), coldRatio(), processRatio() == null ? ""
                            : String.format(Locale.ROOT, ", %.1fx against a `verity render` process", processRatio()));
        }
    }

    private KustomizeBenchmark() {
    }

    public static void main(String[] args) {
        Options options;
        try {
            options = Options.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            if (!e.getMessage().isEmpty()) {
                System.err.println("verity bench kustomize: " + e.getMessage());
            }
            System.err.print(USAGE);
            System.exit(e.getMessage().isEmpty() ? 0 : 2);
            return;
        }
        try {
            Figures figures = run(options);
            System.out.println(figures.json());
            System.out.println(figures.line());
            System.exit(figures.failed() ? 1 : 0);
        } catch (IOException | UncheckedIOException e) {
            System.err.println("verity bench kustomize: " + e.getMessage());
            System.exit(1);
        }
    }

    /** Runs the benchmark. */
    public static Figures run(Options options) throws IOException {
        if (!Files.isDirectory(options.corpus())) {
            throw new IOException("the conformance corpus " + options.corpus() + " is missing (--corpus DIR)");
        }
        List<Target> targets = new ArrayList<>(conformanceTargets(options.corpus(), options.cases()));
        int cases = targets.size();
        deleteRecursively(options.workDir());
        List<Path> overlays = MonorepoGenerator.write(options.workDir().resolve("monorepo"), options.apps());
        for (Path overlay : overlays) {
            targets.add(new Target(options.workDir().relativize(overlay).toString(), overlay, false));
        }

        // engine, cold: the first render in this JVM, then each target's first render by a fresh engine
        String[] engineOutputs = new String[targets.size()];
        List<Double> cold = new ArrayList<>();
        double jvmFirst = Double.NaN;
        for (int t = 0; t < targets.size(); t++) {
            long start = System.nanoTime();
            engineOutputs[t] = renderWithEngine(new Kustomizer(new dev.verity.kustomize.DiskFileSystem()),
                    targets.get(t));
            double millis = (System.nanoTime() - start) / 1e6;
            if (t == 0) {
                jvmFirst = millis;
            }
            cold.add(millis);
        }
        // engine, warm: later rounds, one engine
        Kustomizer engine = Kustomizer.onDisk();
        List<Double> warm = new ArrayList<>();
        for (int round = 0; round < options.rounds(); round++) {
            for (Target target : targets) {
                long start = System.nanoTime();
                renderWithEngine(engine, target);
                warm.add((System.nanoTime() - start) / 1e6);
            }
        }
        List<Double> process = renderProcesses(targets, options.processRuns());

        String kubectlVersion = null;
        String absent = null;
        List<Double> kubectlCold = new ArrayList<>();
        List<Double> kubectlWarm = new ArrayList<>();
        List<String> differences = new ArrayList<>();
        int identical = 0;
        String version = kubectlVersion(options.kubectl());
        if (version == null) {
            absent = "no kubectl on PATH (" + options.kubectl() + ")";
        } else if (minor(version) < 27) {
            absent = "kubectl " + version + " is older than 1.27";
        } else {
            kubectlVersion = version;
            for (int round = 0; round < options.kubectlRounds(); round++) {
                for (int t = 0; t < targets.size(); t++) {
                    long start = System.nanoTime();
                    String output = renderWithKubectl(options.kubectl(), targets.get(t).dir());
                    (round == 0 ? kubectlCold : kubectlWarm).add((System.nanoTime() - start) / 1e6);
                    if (round == 0) {
                        String difference = compare(targets.get(t), engineOutputs[t], output);
                        if (difference == null) {
                            identical++;
                        } else {
                            differences.add(difference);
                        }
                    }
                }
            }
            if (kubectlWarm.isEmpty()) {
                kubectlWarm = kubectlCold;
            }
        }
        return new Figures(cases, options.apps(), overlays.size(), jvmFirst, Stats.of(cold), Stats.of(warm),
                Stats.of(process), kubectlVersion, absent, Stats.of(kubectlCold), Stats.of(kubectlWarm), identical,
                differences);
    }

    static List<Target> conformanceTargets(Path corpus, int limit) throws IOException {
        List<Target> targets = new ArrayList<>();
        List<Path> dirs;
        try (Stream<Path> entries = Files.list(corpus)) {
            dirs = entries.filter(p -> Files.isRegularFile(p.resolve("case.yaml"))).sorted().toList();
        }
        for (Path dir : dirs.subList(0, Math.min(limit, dirs.size()))) {
            MapNode spec = (MapNode) YamlReader.readOne(Files.readString(dir.resolve("case.yaml")),
                    dir.resolve("case.yaml").toString());
            String root = spec.string("root") == null ? "." : spec.string("root");
            targets.add(new Target(dir.getFileName().toString(), dir.resolve("input").resolve(root).normalize(),
                    "error".equals(spec.string("expect"))));
        }
        return targets;
    }

    /** The engine's output, or {@code "error: ..."} for a failed build (an error case must fail). */
    private static String renderWithEngine(Kustomizer engine, Target target) {
        try {
            return engine.build(target.dir().toString()).yaml();
        } catch (KustomizeException e) {
            return "error: " + e.getMessage();
        }
    }

    private static String renderWithKubectl(String kubectl, Path dir) throws IOException {
        Process process = new ProcessBuilder(kubectl, "kustomize", dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        byte[] out = process.getInputStream().readAllBytes();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return "error: kubectl did not finish in 60 s";
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return process.exitValue() == 0 ? new String(out, StandardCharsets.UTF_8) : "error: kubectl exit " + process.exitValue();
    }

    /** Null when the two agree (same bytes, or both failed), else what differs. */
    static String compare(Target target, String engine, String kubectl) {
        boolean engineFailed = engine.startsWith("error: ");
        boolean kubectlFailed = kubectl.startsWith("error: ");
        if (engineFailed && kubectlFailed) {
            return null;
        }
        if (engineFailed != kubectlFailed) {
            return target.name() + ": " + (engineFailed ? "the engine failed (" + engine + ") where kubectl built it"
                    : "kubectl failed where the engine built it");
        }
        if (engine.equals(kubectl)) {
            return null;
        }
        String[] a = engine.split("\n", -1);
        String[] b = kubectl.split("\n", -1);
        int line = 0;
        while (line < Math.min(a.length, b.length) && a[line].equals(b[line])) {
            line++;
        }
        return String.format(Locale.ROOT, "%s: output differs at line %d: engine '%s', kubectl '%s'", target.name(),
                line + 1, line < a.length ? a[line] : "<end>", line < b.length ? b[line] : "<end>");
    }

    /** Wall time of {@code verity render} in a fresh JVM for up to {@code runs} targets spread over the list. */
    private static List<Double> renderProcesses(List<Target> targets, int runs) throws IOException {
        List<Double> millis = new ArrayList<>();
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String classpath = System.getProperty("java.class.path");
        for (int r = 0; r < Math.min(runs, targets.size()); r++) {
            Target target = targets.get((int) ((long) r * targets.size() / Math.min(runs, targets.size())));
            long start = System.nanoTime();
            Process process = new ProcessBuilder(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-cp", classpath,
                    RenderCommand.class.getName(), target.dir().toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
            try {
                process.waitFor(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
            millis.add((System.nanoTime() - start) / 1e6);
        }
        return millis;
    }

    /** kubectl's client version (e.g. {@code v1.32.4}), or null when it cannot be run. */
    static String kubectlVersion(String kubectl) {
        try {
            Process process = new ProcessBuilder(kubectl, "version", "--client")
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
                return null;
            }
            Matcher m = Pattern.compile("Client Version: (v?\\d+\\.\\d+\\.\\d+)").matcher(out);
            return m.find() ? m.group(1) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    static int minor(String version) {
        String[] parts = version.replaceFirst("^v", "").split("\\.");
        return Integer.parseInt(parts[0]) > 1 ? Integer.MAX_VALUE : Integer.parseInt(parts[1]);
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                Files.delete(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) {
                        b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    private static String number(Double d) {
        return d == null || d.isNaN() || d.isInfinite() ? "null" : String.format(Locale.ROOT, "%.1f", d);
    }
}
