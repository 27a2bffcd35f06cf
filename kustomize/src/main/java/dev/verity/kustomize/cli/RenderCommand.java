package dev.verity.kustomize.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import dev.verity.kustomize.KustomizeException;
import dev.verity.kustomize.Kustomizer;

/**
 * {@code ./verity render [DIR]}: builds DIR (default: the current directory; relative paths resolve against it) with
 * the in-process engine and writes the documents to stdout exactly as {@code kubectl kustomize DIR} does. On a
 * failed build it writes {@code error: <what failed>} to stderr and exits 1, as kubectl does; a usage error exits 2.
 */
public final class RenderCommand {

    static final String USAGE = """
            usage: verity render [DIR]
              Builds the kustomization in DIR (default: the current directory) in process, with no kubectl, and
              prints the documents exactly as `kubectl kustomize DIR` prints them. On error: the error on stderr,
              exit code 1.
            options:
              --deadline SECONDS   give up a build that takes longer (default 60)
              -h, --help           this text
            """;

    private RenderCommand() {
    }

    public static void main(String[] args) {
        int code = run(args, System.out, System.err);
        System.out.flush();
        System.exit(code);
    }

    /** Runs the command; returns its exit code (0 built, 1 the build failed, 2 the arguments are wrong). */
    static int run(String[] args, OutputStream stdout, PrintStream stderr) {
        Arguments arguments;
        try {
            arguments = Arguments.parse(List.of(args));
        } catch (IllegalArgumentException e) {
            stderr.println("verity render: " + e.getMessage());
            stderr.print(USAGE);
            return 2;
        }
        if (arguments.help()) {
            stderr.print(USAGE);
            return 0;
        }
        Path dir = Path.of(arguments.directory());
        if (!Files.exists(dir)) {
            stderr.println("error: '" + arguments.directory() + "' does not exist (resolved to "
                    + dir.toAbsolutePath().normalize() + "); give the directory holding the kustomization.yaml to build");
            return 1;
        }
        if (!Files.isDirectory(dir)) {
            stderr.println("error: '" + arguments.directory() + "' is not a directory; give the directory holding "
                    + "the kustomization.yaml to build");
            return 1;
        }
        String yaml;
        try {
            yaml = Kustomizer.onDisk().build(arguments.directory(), arguments.deadline()).yaml();
        } catch (KustomizeException e) {
            stderr.println("error: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            // an engine bug, not the input's fault: say so, with what to report
            stderr.println("error: the engine failed on " + arguments.directory() + " (a bug; please report it with"
                    + " the kustomization): " + e);
            return 1;
        }
        try {
            stdout.write(yaml.getBytes(StandardCharsets.UTF_8));
            stdout.flush();
        } catch (IOException e) {
            stderr.println("error: cannot write the output: " + e.getMessage());
            return 1;
        }
        return 0;
    }

    /** The parsed command line. */
    record Arguments(String directory, Duration deadline, boolean help) {

        static Arguments parse(List<String> args) {
            String directory = null;
            Duration deadline = Duration.ofSeconds(60);
            boolean help = false;
            boolean onlyOperands = false;
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (!onlyOperands && arg.equals("--")) {
                    onlyOperands = true;
                } else if (!onlyOperands && (arg.equals("-h") || arg.equals("--help"))) {
                    help = true;
                } else if (!onlyOperands && (arg.equals("--deadline") || arg.startsWith("--deadline="))) {
                    String value;
                    if (arg.startsWith("--deadline=")) {
                        value = arg.substring("--deadline=".length());
                    } else if (i + 1 < args.size()) {
                        value = args.get(++i);
                    } else {
                        throw new IllegalArgumentException("--deadline needs a number of seconds");
                    }
                    deadline = seconds(value);
                } else if (!onlyOperands && arg.startsWith("-") && arg.length() > 1) {
                    throw new IllegalArgumentException("unknown option '" + arg + "'");
                } else if (directory != null) {
                    throw new IllegalArgumentException("one directory only; got '" + directory + "' and '" + arg + "'");
                } else {
                    directory = arg;
                }
            }
            if (directory != null && directory.isEmpty()) {
                throw new IllegalArgumentException("the directory is an empty string");
            }
            return new Arguments(directory == null ? "." : directory, deadline, help);
        }

        private static Duration seconds(String value) {
            try {
                double seconds = Double.parseDouble(value);
                if (!(seconds > 0) || Double.isInfinite(seconds)) {
                    throw new NumberFormatException();
                }
                return Duration.ofMillis((long) Math.ceil(seconds * 1000));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("--deadline needs a positive number of seconds, got '" + value + "'");
            }
        }
    }
}
