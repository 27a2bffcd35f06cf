package dev.verity.reliability;

import dev.verity.events.DriftDetected;
import dev.verity.events.DriftResolved;
import dev.verity.events.EventCodec;
import dev.verity.events.TargetEvent;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.stack.DemoStory;
import dev.verity.stack.LocalStack;
import dev.verity.stack.ServiceProcess;
import dev.verity.testkit.slack.SlackMessage;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the kill and takeover scenarios look at: whether a replica of a service is the active one, the drift events
 * about the prod Deployment, the Slack incidents about it, and which records of a topic are new.
 */
final class Replicas {

    static final String RENDERER = "renderer-service";
    static final String APPLIER = "applier-service";
    static final String DRIFT = "drift-monitor";
    static final String NOTIFIER = "notifier";

    private Replicas() {
    }

    /**
     * Whether this replica of {@code service} is the active one: the applier leads, the drift monitor leads and
     * compares, the notifier leads and alerts ({@code GET /verity/leadership}); the renderer owns the repository
     * (its {@code verity.commits} partition: the last ownership line of its log says it owns it).
     */
    static boolean active(String service, ServiceProcess p) {
        if (!p.isAlive()) return false;
        if (service.equals(RENDERER)) return rendererOwns(p);
        String body = p.leadership();
        boolean leader = body.contains("\"leader\":true");
        return switch (service) {
            case DRIFT -> leader && body.contains("\"comparing\":true");
            case NOTIFIER -> leader && body.contains("\"alerting\":true");
            default -> leader;
        };
    }

    private static boolean rendererOwns(ServiceProcess p) {
        try {
            List<String> lines = Files.readAllLines(p.log());
            for (int i = lines.size() - 1; i >= 0; i--) {
                String l = lines.get(i);
                if (l.contains("this renderer owns")) return !l.contains("owns 0 of");
            }
            return false;
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
    }

    /** Starts a second replica of {@code service} named {@code name}, returning once it is ready. */
    static ServiceProcess startReplica(LocalStack stack, String service, String name) {
        return switch (service) {
            case RENDERER -> stack.startRendererReplica(name);
            case APPLIER -> stack.startApplierReplica(name);
            case DRIFT -> stack.startDriftMonitorReplica(name);
            case NOTIFIER -> stack.startNotifierReplica(name);
            default -> throw new IllegalArgumentException(service + " has no replica to start");
        };
    }

    /** Where each record of {@code topic} is ({@code partition@offset}): to tell later records from these. */
    static Set<String> positions(SuiteContext ctx, String topic) {
        Set<String> s = new HashSet<>();
        for (ConsumerRecord<String, String> r : ctx.stack().kafka().readAll(topic)) s.add(r.partition() + "@" + r.offset());
        return s;
    }

    /** Drift detections about any object of the prod target on {@code verity.drift} not at {@code before}. */
    static List<DriftDetected> prodDetections(SuiteContext ctx, Set<String> before) {
        return prodDrift(ctx, before).stream().filter(DriftDetected.class::isInstance).map(DriftDetected.class::cast).toList();
    }

    /** Drift events (detected, resolved) about the prod Deployment on {@code verity.drift} not at {@code before}. */
    static List<VerityEvent> webDrift(SuiteContext ctx, Set<String> before) {
        return prodDrift(ctx, before).stream().filter(Replicas::detectedOrResolvedOnWeb).toList();
    }

    /**
     * The events on {@code verity.drift} about the prod target whose records are not at {@code before}, in the order
     * the topic gives them; records that are not events are skipped.
     */
    private static List<VerityEvent> prodDrift(SuiteContext ctx, Set<String> before) {
        List<VerityEvent> events = new ArrayList<>();
        EventCodec codec = new EventCodec();
        for (ConsumerRecord<String, String> r : ctx.stack().kafka().readAll(Topics.DRIFT)) {
            if (before.contains(r.partition() + "@" + r.offset())) continue;
            VerityEvent e;
            try {
                e = codec.decode(r.value());
            } catch (RuntimeException notAnEvent) {
                continue;
            }
            if (e instanceof TargetEvent t && DemoStory.PROD.equals(t.target())) events.add(e);
        }
        return events;
    }

    private static boolean detectedOrResolvedOnWeb(VerityEvent e) {
        return e instanceof DriftDetected d && DemoStory.DEPLOYMENT.equals(d.object().name())
                || e instanceof DriftResolved r && DemoStory.DEPLOYMENT.equals(r.object().name());
    }

    static long count(List<VerityEvent> events, Class<?> type) {
        return events.stream().filter(type::isInstance).count();
    }

    /** Slack incidents (first messages of a thread, not replies) since {@code since} about the prod Deployment's replicas. */
    static List<SlackMessage> replicaIncidents(SuiteContext ctx, Instant since) {
        return webIncidents(ctx, since).stream().filter(m -> m.readableText().contains("spec.replicas")).toList();
    }

    /** Slack incidents (first messages of a thread, not replies) since {@code since} about the prod Deployment. */
    static List<SlackMessage> webIncidents(SuiteContext ctx, Instant since) {
        return ctx.slackSince(since).stream().filter(m -> !m.isReply())
                .filter(m -> m.readableText().contains("shop-prod/web")).toList();
    }

    /** Whether a drift event is the detection of a change of the replicas (the one the scenarios make by hand). */
    static boolean replicasDetected(VerityEvent e) {
        return e instanceof DriftDetected d && d.fields().contains("spec.replicas");
    }

    /** The drift events, readable: type and, for a detection, its fields. */
    static List<String> describe(List<VerityEvent> events) {
        return events.stream().map(e -> e instanceof DriftDetected d ? "DriftDetected " + d.fields()
                : e.getClass().getSimpleName()).toList();
    }

    /** Replies in the thread of {@code incident} saying it is resolved. */
    static List<SlackMessage> resolvedReplies(SuiteContext ctx, SlackMessage incident) {
        return ctx.stack().slack().replies(incident.ts()).stream().filter(m -> m.readableText().contains("Resolved")).toList();
    }

    static String secs(java.time.Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f", d.toMillis() / 1000.0);
    }
}
