package dev.verity.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.verity.events.Decoded;
import dev.verity.events.Envelope;
import dev.verity.events.EventCodec;
import dev.verity.events.EventFormatException;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.fleet.EventLine;
import dev.verity.fleet.Fleet;
import dev.verity.fleet.TargetStatus;
import dev.verity.fleet.TopicReadException;
import dev.verity.fleet.TopicReader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code ./verity status}, {@code logs}, {@code sync} and {@code diff}: what is deployed where, what happened to a
 * target, converge it now, and how it differs from its cluster, from Verity's topics on any Kafka cluster (not only the
 * local stack's). Reading joins no consumer group and commits nothing; {@code sync} publishes one request. Exit codes:
 * 0 success, 1 a negative answer (a failed sync, differences found), 2 an error (its message says what to do).
 */
@Command(name = "verity", mixinStandardHelpOptions = true, subcommands = {VerityOps.Status.class, VerityOps.Logs.class, SyncCommand.class, DiffCommand.class},
        description = "Reads Verity's topics: status of every target, each target's events; asks the applier to sync a target.")
public final class VerityOps implements Runnable {

    static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper JSON_LINE = new ObjectMapper();

    /** Where commands print. */
    PrintStream out = System.out;

    public static void main(String[] args) {
        System.exit(run(System.out, System.err, args));
    }

    /** Runs a command, printing to {@code out} and errors to {@code err}; returns the exit code. */
    public static int run(PrintStream out, PrintStream err, String... args) {
        VerityOps ops = new VerityOps();
        ops.out = out;
        CommandLine cli = new CommandLine(ops);
        cli.setOut(new java.io.PrintWriter(out, true));
        cli.setErr(new java.io.PrintWriter(err, true));
        cli.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof CliException) {
                err.println("verity " + parsed.subcommand().commandSpec().name() + ": " + e.getMessage());
                return 2;
            }
            if (e instanceof TopicReadException t) {
                err.println("verity " + parsed.subcommand().commandSpec().name() + ": " + t.getMessage() + hint(t));
                return 2;
            }
            throw e;
        });
        return cli.execute(args);
    }

    @Override
    public void run() {
        CommandLine.usage(this, System.out);
    }

    /** What to do about a failed read of the topics, from the command line. */
    static String hint(TopicReadException e) {
        return switch (e.reason()) {
            case UNREACHABLE -> ": start Verity (./verity up) or pass --bootstrap-server host:port of its Kafka cluster";
            case TOO_SLOW -> ": pass a longer --timeout";
            case CLIENT -> ". Pass --bootstrap-server host:port";
        };
    }

    /** A reader of the topics for a command. */
    static TopicReader reader(Connection connection) {
        return new TopicReader(connection.bootstrapServers, connection.timeout, "verity-cli");
    }

    /** Options every command takes. */
    static final class Connection {
        @Option(names = "--bootstrap-server", paramLabel = "HOST:PORT",
                defaultValue = "${env:VERITY_BOOTSTRAP_SERVERS:-localhost:9092}",
                description = "Kafka bootstrap servers; default $VERITY_BOOTSTRAP_SERVERS or localhost:9092 (./verity up)")
        String bootstrapServers;

        @Option(names = {"-o", "--output"}, defaultValue = "text", description = "text or json; default ${DEFAULT-VALUE}")
        String output;

        @Option(names = "--timeout", defaultValue = "PT30S", description = "how long to wait for Kafka (ISO-8601); default ${DEFAULT-VALUE}")
        Duration timeout;

        boolean json() {
            if (!output.equals("text") && !output.equals("json")) {
                throw new CliException("--output " + output + " is not known: use text or json");
            }
            return output.equals("json");
        }
    }

    @Command(name = "status", description = "Each target: last commit and digest, sync and health state, open drift and "
            + "incidents, built from Verity's topics.")
    static final class Status implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Option(names = "--cluster", description = "only the targets of this cluster")
        String cluster;

        @CommandLine.ParentCommand
        VerityOps parent;

        @Override
        public Integer call() throws JsonProcessingException {
            boolean json = connection.json();
            Fleet fleet;
            try (TopicReader reader = reader(connection)) {
                fleet = Fleet.read(reader, cluster);
            }
            List<TargetStatus> targets = fleet.status().stream()
                    .filter(t -> cluster == null || t.target().startsWith(cluster + "/")).toList();
            PrintStream out = parent.out;
            if (json) {
                Map<String, Object> doc = new LinkedHashMap<>();
                doc.put("targets", targets);
                doc.put("unreadableRecords", fleet.skipped());
                out.println(JSON.writeValueAsString(doc));
            } else {
                StatusTable.print(targets, fleet.skipped(), out);
            }
            return 0;
        }
    }

    @Command(name = "logs", description = "A target's events in order: renders, rollouts, health, drift and incidents. "
            + "--follow keeps printing new ones until Ctrl-C.")
    static final class Logs implements Callable<Integer> {
        @Mixin
        Connection connection;

        @Mixin
        Target target;

        @Option(names = {"-f", "--follow"}, description = "keep printing events as they arrive")
        boolean follow;

        @CommandLine.ParentCommand
        VerityOps parent;

        @Override
        public Integer call() throws Exception {
            boolean json = connection.json();
            TargetKey key = target.key();
            PrintStream out = parent.out;
            LogFilter filter = new LogFilter(key);
            try (TopicReader reader = reader(connection)) {
                List<String> topics = List.of(Topics.desired(key.cluster()), Topics.ROLLOUT, Topics.DRIFT, Topics.INCIDENTS);
                List<TopicReader.Record> records = reader.readToEnd(topics);
                filter.learn(records);
                List<EventLine> lines = new ArrayList<>();
                for (TopicReader.Record r : records) filter.line(r).ifPresent(lines::add);
                lines.sort(Comparator.comparing(EventLine::time));
                for (EventLine line : lines) print(line, json, out);
                if (lines.isEmpty() && !follow) {
                    throw new CliException("no events for " + key + " on " + connection.bootstrapServers
                            + ": check the name with ./verity status");
                }
                if (follow) {
                    AtomicBoolean running = new AtomicBoolean(true);
                    Runtime.getRuntime().addShutdownHook(new Thread(() -> running.set(false)));
                    reader.follow(r -> filter.line(r).ifPresent(line -> print(line, json, out)), running::get);
                }
            }
            return 0;
        }

        private static void print(EventLine line, boolean json, PrintStream out) {
            if (json) {
                try {
                    out.println(JSON_LINE.writeValueAsString(line));
                } catch (JsonProcessingException e) {
                    throw new IllegalStateException(e);
                }
            } else {
                out.println(line.time() + "  " + pad(line.commit() == null ? "-" : line.commit(), 8) + "  " + line.summary());
            }
        }
    }

    /** Which records are about one target, as lines. */
    static final class LogFilter {
        private final TargetKey target;
        private final EventCodec codec = new EventCodec();
        private String repo;

        LogFilter(TargetKey target) {
            this.target = target;
        }

        /** Learns the target's repository from its desired state, so failures of the whole repository are shown too. */
        void learn(List<TopicReader.Record> records) {
            for (TopicReader.Record r : records) {
                if (r.topic().startsWith(Topics.DESIRED_PREFIX) && target.toString().equals(r.key())) line(r);
            }
        }

        Optional<EventLine> line(TopicReader.Record r) {
            if (r.value() == null) return Optional.empty();
            if (r.topic().equals(Topics.INCIDENTS)) {
                if (r.key() == null || !r.key().startsWith(target + "#")) return Optional.empty();
                return EventLine.ofIncident(r);
            }
            boolean ours = target.toString().equals(r.key()) || (repo != null && repo.equals(r.key()));
            if (!ours) return Optional.empty();
            Envelope envelope;
            try {
                if (!(codec.read(r.value()) instanceof Decoded.Known known)) return Optional.empty();
                envelope = known.envelope();
            } catch (EventFormatException e) {
                return Optional.empty();
            }
            if (envelope.event() instanceof dev.verity.events.DesiredState d) repo = d.repo();
            return Optional.of(EventLine.of(envelope, r));
        }
    }

    /** The target a command is about: its one positional argument. */
    static final class Target {
        @Parameters(index = "0", paramLabel = "TARGET", description = "cluster/app/env, as ./verity status lists it")
        String name;

        /** The target, or a clear error. */
        TargetKey key() {
            try {
                return TargetKey.parse(name);
            } catch (RuntimeException e) {
                throw new CliException("'" + name + "' is not a target: name it cluster/app/env, as ./verity status lists it");
            }
        }
    }

    static String pad(String s, int width) {
        return s.length() >= width ? s : s + " ".repeat(width - s.length());
    }
}
