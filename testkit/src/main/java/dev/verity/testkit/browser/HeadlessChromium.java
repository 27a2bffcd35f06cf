package dev.verity.testkit.browser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Debian's {@code chromium}, headless, run once per look at a page: {@link #dumpDom} prints the DOM after the page's
 * scripts ran for a while of virtual time ({@code --virtual-time-budget}: timers fire without waiting in real time;
 * the budget pauses while requests are in flight), {@link #screenshot} writes a PNG. Each run gets a fresh profile
 * directory, so runs share no cache or cookies.
 *
 * <p>Found by absolute path, not by {@code PATH} (the e2e tests run with the JDK's {@code bin} as their only
 * {@code PATH}): the system property {@code verity.chromium}, else the environment variable {@code VERITY_CHROMIUM},
 * else {@code /usr/bin/chromium} or {@code /usr/bin/chromium-browser}. The browser itself is given a system
 * {@code PATH}, since Debian's launcher is a shell script.
 */
public final class HeadlessChromium {

    private static final List<String> CANDIDATES = List.of("/usr/bin/chromium", "/usr/bin/chromium-browser");
    private static final long RUN_SECONDS = 90;

    private final Path binary;

    private HeadlessChromium(Path binary) {
        this.binary = binary;
    }

    /** The browser, or empty when none is installed where it is looked for. */
    public static Optional<HeadlessChromium> find() {
        String configured = System.getProperty("verity.chromium", System.getenv("VERITY_CHROMIUM"));
        Stream<String> candidates = configured == null || configured.isBlank() ? CANDIDATES.stream() : Stream.of(configured);
        return candidates.map(Path::of).filter(Files::isExecutable).findFirst().map(HeadlessChromium::new);
    }

    /** Why a test that needs the browser is skipped when {@link #find()} is empty. */
    public static String whereLooked() {
        return "no chromium found (looked at -Dverity.chromium, $VERITY_CHROMIUM, " + String.join(", ", CANDIDATES)
                + "): install Debian's chromium (apt-get install chromium) to run this test";
    }

    public Path binary() {
        return binary;
    }

    /** The DOM of {@code url} after its scripts ran for {@code virtualTimeMillis} of virtual time, as HTML. */
    public String dumpDom(URI url, int virtualTimeMillis) {
        return new String(run(List.of("--virtual-time-budget=" + virtualTimeMillis, "--dump-dom", url.toString())),
                StandardCharsets.UTF_8);
    }

    /**
     * A PNG of {@code url} in a window of {@code width} × {@code height} CSS pixels, after its scripts ran for
     * {@code virtualTimeMillis} of virtual time.
     */
    public Path screenshot(URI url, Path png, int width, int height, int virtualTimeMillis) {
        try {
            Files.createDirectories(png.toAbsolutePath().getParent());
            Files.deleteIfExists(png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + png + " for a screenshot", e);
        }
        run(List.of("--virtual-time-budget=" + virtualTimeMillis, "--hide-scrollbars", "--window-size=" + width + "," + height,
                "--screenshot=" + png.toAbsolutePath(), url.toString()));
        if (!Files.isRegularFile(png)) throw new IllegalStateException(binary + " wrote no screenshot of " + url + " to " + png);
        return png;
    }

    private byte[] run(List<String> args) {
        Path profile = null;
        Path log = null;
        try {
            profile = Files.createTempDirectory("verity-chromium-");
            log = Files.createTempFile("verity-chromium-", ".log");
            List<String> command = new ArrayList<>(List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check", "--disable-extensions",
                    "--user-data-dir=" + profile));
            command.addAll(args);
            ProcessBuilder builder = new ProcessBuilder(command).redirectError(log.toFile());
            builder.environment().put("PATH", "/usr/local/bin:/usr/bin:/bin");
            Process process = builder.start();
            process.getOutputStream().close();
            byte[] out = process.getInputStream().readAllBytes();
            if (!process.waitFor(RUN_SECONDS, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException(binary + " did not finish within " + RUN_SECONDS + " s: " + command);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(binary + " exited with " + process.exitValue() + " for " + command + "; its log ends:\n"
                        + tail(log));
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + binary, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + binary + " ran", e);
        } finally {
            deleteQuietly(profile);
            deleteQuietly(log);
        }
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    private static void deleteQuietly(Path path) {
        if (path == null) return;
        try (Stream<Path> walk = Files.walk(path)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a temp file left behind is no failure of the test
        }
    }
}
