package dev.verity.reliability;

import dev.verity.events.Topics;
import dev.verity.stack.DemoStory;
import dev.verity.testkit.mail.SmtpServer;
import dev.verity.testkit.slack.SlackRecorder;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Slack and the SMTP server down while alerts are caused: Slack first refusing connections, then answering 503 to
 * every post; the SMTP server refusing connections throughout. Each alert is drift of its own object (a ConfigMap
 * claiming the prod target, created behind Verity's back: {@code UNEXPECTED} drift, so each alert's title names its
 * object); the next is caused once the notifier's retries (the suite's short {@code verity.notifier.retry.*}) ran out
 * for the one before and it is on {@code verity.undelivered}. The last one is caused just before both come back, so
 * that its retries span the recovery. An {@link AlertLedger} then checks that every alert caused is, on Slack and by
 * e-mail, delivered or on {@code verity.undelivered} with its reason (none lost), with a negative control; once the
 * objects are deleted the drift's resolution is delivered on both (the notifier works again).
 */
public final class NotifierOutageScenario implements Scenario {

    static final String SCENARIO_LABEL = "reliability.verity.dev/scenario";
    private static final String LABEL_VALUE = "notifier-outage";

    @Override
    public String name() {
        return "Slack and SMTP down";
    }

    @Override
    public void cleanUp(SuiteContext ctx) {
        ctx.stack().slack().recover();
        ctx.stack().smtp().resumeListening();
        ctx.stack().sandbox().client().configMaps().inNamespace(DemoStory.NAMESPACE).withLabel(SCENARIO_LABEL, LABEL_VALUE)
                .delete();
    }

    @Override
    public void steps(SuiteContext ctx, ScenarioResult.Builder b) {
        Duration wait = ctx.options().timeout();
        SlackRecorder slack = ctx.stack().slack();
        SmtpServer smtp = ctx.stack().smtp();
        KubernetesClient kube = ctx.stack().sandbox().client();
        int count = ctx.options().longForm() ? 6 : 3;
        // the long form keeps them down for minutes, its alerts spread over them; the short one as long as the alerts'
        // retries take
        Duration outage = ctx.options().longForm() ? Duration.ofMinutes(3) : Duration.ZERO;
        AlertLedger alerts = new AlertLedger();

        Instant start = Instant.now();
        slack.refuseConnections();
        smtp.stopListening();
        b.did("took Slack down (connections refused) and the SMTP server down (connections refused)");
        for (int i = 1; i <= count; i++) {
            if (i == 2) {
                slack.recover();
                slack.down(503);
                b.did("Slack listens again but answers 503 to every post");
            }
            boolean last = i == count;
            // spread over the outage (the long form's minutes); the last one at its end
            Duration left = Duration.between(Instant.now(), start.plus(outage.multipliedBy(i - 1).dividedBy(count - 1)));
            if (!left.isNegative()) sleep(left);
            int postsBefore = slack.posts();
            String name = "reliability-outage-" + i;
            AlertLedger.Cause cause = alerts.cause("ConfigMap " + DemoStory.NAMESPACE + "/" + name + " created claiming "
                    + DemoStory.PROD, marker(name), Instant.now());
            createClaiming(kube, name, LABEL_VALUE);
            if (!last) {
                Optional<Boolean> out = SuiteContext.await(wait, () -> bothUndelivered(ctx, cause) ? Optional.of(true)
                        : Optional.empty());
                b.did("created ConfigMap " + name + " claiming " + DemoStory.PROD + " (UNEXPECTED drift): "
                        + (out.isPresent() ? "on verity.undelivered for Slack and e-mail" : "not reported undelivered within "
                        + wait.toSeconds() + " s"));
            } else {
                // recover as soon as Slack refused the alert once: its retries are under way when the stand-ins return
                boolean tried = SuiteContext.awaitTrue(wait, () -> slack.posts() > postsBefore);
                b.did("created ConfigMap " + name + " claiming " + DemoStory.PROD + "; Slack refused its first attempt: "
                        + tried);
            }
        }
        Instant recovered = Instant.now();
        slack.recover();
        smtp.resumeListening();
        double downFor = Duration.between(start, recovered).toMillis() / 1000.0;
        b.did(String.format(Locale.ROOT, "Slack and the SMTP server are back (down %.0f s)", downFor));
        b.events(count).faults("Slack refusing connections, then 503 on every post; SMTP refusing connections ("
                + String.format(Locale.ROOT, "%.0f s", downFor) + ")");

        // every alert accounted for on both channels, before anything else is alerted about these objects
        Optional<AlertLedger.Verdict> settled = SuiteContext.await(wait, () -> {
            AlertLedger.Verdict v = alerts.compare(AlertLedger.CHANNELS, delivered(ctx, start), undelivered(ctx));
            return v.nothingLost() ? Optional.of(v) : Optional.empty();
        });
        Instant putBack = Instant.now();
        AlertLedger.Verdict v = settled.orElseGet(() -> alerts.compare(AlertLedger.CHANNELS, delivered(ctx, start),
                undelivered(ctx)));
        List<AlertLedger.Undelivered> reports = v.outcomes().stream().flatMap(o -> o.undelivered().stream()).toList();
        b.did("alerts caused: " + count + " (" + v.outcomes().size() + " on Slack and e-mail); delivered after recovery: "
                + v.delivered() + "; on verity.undelivered: " + v.undelivered() + "; lost: " + v.lost().size());
        b.lost(v.lost().size());
        b.check("every alert caused is delivered or on verity.undelivered, on Slack and by e-mail (none lost)",
                v.nothingLost(), v.nothingLost() ? perChannel(v) : String.join("; ", v.describeLost()));
        b.check("the alerts caused while down ran out of retries and are on verity.undelivered with their reason",
                v.outcomes().stream().filter(o -> !o.cause().equals(alerts.causes().get(count - 1)))
                        .allMatch(o -> !o.undelivered().isEmpty()) && reports.stream().allMatch(u -> !u.reason().isBlank()),
                reports.stream().map(u -> u.channel() + ": " + u.reason()).distinct().limit(4)
                        .collect(Collectors.joining(" | ")));

        // negative control: the same comparison with one record dropped must report that alert lost
        List<AlertLedger.Undelivered> dropped = new ArrayList<>(undelivered(ctx));
        AlertLedger.Verdict control = null;
        if (!dropped.isEmpty()) {
            AlertLedger.Undelivered gone = dropped.stream().filter(u -> alerts.causes().stream()
                    .anyMatch(c -> u.title().contains(c.marker()))).findFirst().orElse(null);
            if (gone != null) {
                dropped.remove(gone);
                control = alerts.compare(AlertLedger.CHANNELS, delivered(ctx, start).stream()
                        .filter(d -> d.at().isBefore(putBack)).toList(), dropped);
            }
        }
        b.check("negative control: one undelivered record dropped, the ledger reports its alert lost",
                control != null && !control.nothingLost(), control == null ? "no undelivered record to drop"
                        : String.join("; ", control.describeLost()));

        // the notifier works again: the drift's resolution is delivered on both
        kube.configMaps().inNamespace(DemoStory.NAMESPACE).withLabel(SCENARIO_LABEL, LABEL_VALUE).delete();
        b.did("deleted the " + count + " ConfigMaps (the drift is resolved)");
        String lastMarker = alerts.causes().get(count - 1).marker();
        boolean resolvedSlack = SuiteContext.awaitTrue(wait, () -> ctx.slackSince(putBack).stream()
                .anyMatch(m -> m.readableText().contains("Resolved: " + lastMarker)));
        boolean resolvedMail = SuiteContext.awaitTrue(wait, () -> smtp.receivedMessages().stream()
                .anyMatch(m -> !m.receivedAt().isBefore(putBack.minusSeconds(1))
                        && String.valueOf(m.text()).contains("Resolved: " + lastMarker)));
        Optional<Instant> firstBoth = firstDeliveredOnBoth(ctx, recovered);
        firstBoth.ifPresent(t -> b.recovered(Duration.between(recovered, t)));
        b.check("after recovery alerts go out again: the drift's resolution on Slack and by e-mail",
                resolvedSlack && resolvedMail, "Slack " + resolvedSlack + ", e-mail " + resolvedMail
                        + firstBoth.map(t -> String.format(Locale.ROOT, "; first alert on both %.1f s after recovery",
                        Duration.between(recovered, t).toMillis() / 1000.0)).orElse(""));
    }

    /** The title of the UNEXPECTED drift alert about ConfigMap {@code name} in the prod namespace. */
    static String marker(String name) {
        return "Drift: ConfigMap " + DemoStory.NAMESPACE + "/" + name + " is in the cluster but not in Git";
    }

    /**
     * Creates ConfigMap {@code name} in the prod namespace claiming the prod target (Verity's label and target
     * annotation) though Git does not have it: the drift monitor reports it {@code UNEXPECTED}.
     */
    static void createClaiming(KubernetesClient kube, String name, String scenario) {
        ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName(name).withNamespace(DemoStory.NAMESPACE)
                .addToLabels("app.kubernetes.io/managed-by", "verity").addToLabels(SCENARIO_LABEL, scenario)
                .addToAnnotations("verity.dev/target", DemoStory.PROD.toString()).endMetadata()
                .addToData("made-by", "the reliability suite, behind Verity's back").build();
        kube.configMaps().inNamespace(DemoStory.NAMESPACE).resource(cm).create();
    }

    private static boolean bothUndelivered(SuiteContext ctx, AlertLedger.Cause cause) {
        List<AlertLedger.Undelivered> all = undelivered(ctx);
        return AlertLedger.CHANNELS.stream().allMatch(ch -> all.stream()
                .anyMatch(u -> u.channel().equals(ch) && u.title().contains(cause.marker())));
    }

    /** Slack messages and e-mails received since {@code since}. */
    static List<AlertLedger.Delivered> delivered(SuiteContext ctx, Instant since) {
        List<AlertLedger.Delivered> d = new ArrayList<>();
        ctx.slackSince(since).forEach(m -> d.add(new AlertLedger.Delivered("slack", asPosted(m), m.receivedAt())));
        // an e-mail by its body, which starts with its own alert's title: the later mails of an incident's thread keep
        // the first one's subject, so the subject may name another alert
        ctx.stack().smtp().receivedMessages().stream().filter(m -> !m.receivedAt().isBefore(since.minusSeconds(1)))
                .forEach(m -> d.add(new AlertLedger.Delivered("email", String.valueOf(m.text()), m.receivedAt())));
        return d;
    }

    /** A Slack message's text as it was posted (an incident's first message is edited as the incident goes on). */
    static String asPosted(dev.verity.testkit.slack.SlackMessage m) {
        return m.edits().isEmpty() ? m.readableText() : m.edits().get(0);
    }

    static List<AlertLedger.Undelivered> undelivered(SuiteContext ctx) {
        return ctx.stack().kafka().readValues(Topics.UNDELIVERED).stream().map(AlertLedger.Undelivered::parse)
                .flatMap(Optional::stream).toList();
    }

    /** When both channels had received something after {@code since} (the later of the two first arrivals). */
    private static Optional<Instant> firstDeliveredOnBoth(SuiteContext ctx, Instant since) {
        Optional<Instant> slack = ctx.slackSince(since).stream().map(m -> m.receivedAt()).min(Instant::compareTo);
        Optional<Instant> mail = ctx.stack().smtp().receivedMessages().stream().map(m -> m.receivedAt())
                .filter(t -> !t.isBefore(since)).min(Instant::compareTo);
        return slack.isPresent() && mail.isPresent()
                ? Optional.of(slack.get().isAfter(mail.get()) ? slack.get() : mail.get()) : Optional.empty();
    }

    private static String perChannel(AlertLedger.Verdict v) {
        return AlertLedger.CHANNELS.stream().map(ch -> ch + ": " + v.outcomes().stream().filter(o -> o.channel().equals(ch)
                        && o.delivered() > 0).count() + " delivered, " + v.outcomes().stream().filter(o -> o.channel().equals(ch)
                        && o.delivered() == 0 && !o.undelivered().isEmpty()).count() + " undelivered")
                .collect(Collectors.joining("; "));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
