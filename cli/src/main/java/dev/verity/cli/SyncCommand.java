package dev.verity.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.verity.events.Applied;
import dev.verity.events.ApplyFailed;
import dev.verity.events.ApplyStarted;
import dev.verity.events.ApplySuspended;
import dev.verity.events.Decoded;
import dev.verity.events.EventCodec;
import dev.verity.events.EventFormatException;
import dev.verity.events.SyncRequested;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.events.Waiting;
import dev.verity.fleet.EventLine;
import dev.verity.fleet.Fleet;
import dev.verity.fleet.TargetStatus;
import dev.verity.fleet.TopicReader;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code ./verity sync TARGET}: asks the target's applier to apply its latest desired state now (a
 * {@link SyncRequested} on {@code verity.requests}) and waits for the answer on {@code verity.rollout}: exit 0 when
 * it was applied, 1 when it failed (or a dependency holds it, or its policy suspends it), 2 when no answer came in
 * time or the request could not be made. The desired state still comes only from Git: a sync
 * converges the cluster to what was rendered, it never renders or changes anything in Git.
 */
@Command(name = "sync", description = "Asks the applier to apply a target's latest desired state now (restoring what drifted, "
        + "or retrying a failed rollout without waiting) and waits for the result.")
final class SyncCommand implements Callable<Integer> {

    @Mixin
    VerityOps.Connection connection;

    @Mixin
    VerityOps.Target target;

    @Option(names = "--wait", defaultValue = "PT2M", description = "how long to wait for the applier's answer (ISO-8601); default ${DEFAULT-VALUE}")
    Duration wait;

    @CommandLine.ParentCommand
    VerityOps parent;

    @Override
    public Integer call() throws Exception {
        boolean json = connection.json();
        TargetKey key = target.key();
        PrintStream out = parent.out;
        try (TopicReader reader = VerityOps.reader(connection)) {
            TargetStatus status = Fleet.read(reader, key.cluster()).status().stream()
                    .filter(t -> t.target().equals(key.toString())).findFirst()
                    .orElseThrow(() -> new CliException("no desired state of " + key + " on " + connection.bootstrapServers
                            + ": check the name with ./verity status (a target exists once the renderer published it)"));
            if (status.sync().equals("Suspended")) {
                throw new CliException(key + " is suspended (suspend: true in its policy): nothing is applied until a"
                        + " commit sets suspend: false");
            }
            if (status.sync().equals("Waiting")) {
                throw new CliException(key + " waits " + status.syncDetail() + ": it is applied once that is Healthy");
            }
            if (!reader.topics(Topics.REQUESTS::equals).contains(Topics.REQUESTS)) {
                throw new CliException("the topic " + Topics.REQUESTS + " does not exist on " + connection.bootstrapServers
                        + ": the appliers there predate sync; upgrade them (they create it at start)");
            }
            reader.atEnd(List.of(Topics.ROLLOUT));
            SyncRequested request = new SyncRequested(key, status.repo(), status.commit(), requester());
            publish(request);
            if (!json) out.println("sync of " + key + " at commit " + TargetKey.shortSha(status.commit()) + " requested; waiting for its applier...");
            EventCodec codec = new EventCodec();
            AtomicReference<VerityEvent> verdict = new AtomicReference<>();
            long deadline = System.nanoTime() + wait.toNanos();
            reader.follow(r -> {
                if (!key.toString().equals(r.key()) || r.value() == null) return;
                VerityEvent event;
                try {
                    if (!(codec.read(r.value()) instanceof Decoded.Known known)) return;
                    event = known.envelope().event();
                } catch (EventFormatException e) {
                    return;
                }
                if (event instanceof ApplyStarted && !json) out.println("  " + EventLine.summarise(event));
                if (event instanceof Applied || event instanceof ApplyFailed || event instanceof ApplySuspended
                        || event instanceof Waiting) {
                    verdict.set(event);
                }
            }, () -> verdict.get() == null && System.nanoTime() < deadline);
            VerityEvent result = verdict.get();
            if (result == null) {
                throw new CliException("no answer from the applier of cluster " + key.cluster() + " within " + wait.toSeconds()
                        + " s: is it running (and leading)? The request stays on " + Topics.REQUESTS + "; its log names " + key);
            }
            print(result, json, out);
            return result instanceof Applied ? 0 : 1;
        }
    }

    private void print(VerityEvent result, boolean json, PrintStream out) throws JsonProcessingException {
        EventLine line = new EventLine(Instant.now().toString(), Topics.ROLLOUT, result.type(),
                TargetKey.shortSha(result.commit()), EventLine.summarise(result));
        if (json) out.println(VerityOps.JSON.writeValueAsString(line));
        else out.println("  " + line.summary());
    }

    private void publish(SyncRequested request) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, connection.bootstrapServers,
                ProducerConfig.CLIENT_ID_CONFIG, "verity-cli",
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) connection.timeout.toMillis(),
                // Kafka requires delivery.timeout.ms >= request.timeout.ms + linger.ms
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(connection.timeout.toMillis(), 30_000),
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(connection.timeout.toMillis(), 30_000) + 5_000),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(Topics.REQUESTS, request.key(), new EventCodec().encode(request)))
                    .get(connection.timeout.toMillis() + 6000, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | java.util.concurrent.TimeoutException | org.apache.kafka.common.KafkaException e) {
            throw new CliException("Kafka at " + connection.bootstrapServers + " did not take the sync request: "
                    + TopicReader.rootMessage(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted before the sync request was sent");
        }
    }

    private static String requester() {
        String user = System.getProperty("user.name", "someone");
        try {
            return user + "@" + InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return user;
        }
    }
}
