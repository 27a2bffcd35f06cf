package dev.verity.reliability;

import dev.verity.stack.DemoStory;
import dev.verity.stack.ServiceProcess;
import dev.verity.testkit.slack.SlackMessage;
import dev.verity.testkit.slack.SlackRecorder;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The notifier killed with SIGKILL while it sends an alert: Slack is made slow (each post recorded at once, its answer
 * held for 8 s), an alert is caused (a ConfigMap claiming the prod target, created behind Verity's back), and the
 * notifier is killed as soon as Slack has the message but before the answer reached it — after the send, before the
 * incident is recorded and the event committed: the documented window of the at-least-once delivery. The supervisor
 * restarts it; the restarted notifier rebuilds its incidents and sends the alert again. Checked, per channel (Slack,
 * e-mail): the alert is delivered at least once and at most twice (one duplicate per kill); and the drift's
 * resolution is delivered after the restart.
 */
public final class NotifierKillScenario implements Scenario {

    static final String NOTIFIER = "notifier";
    private static final String LABEL_VALUE = "notifier-kill";
    private static final String OBJECT = "reliability-notifier-kill";
    private static final Duration RESEND_WAIT = Duration.ofSeconds(60);

    @Override
    public String name() {
        return "notifier killed mid-send";
    }

    @Override
    public void cleanUp(SuiteContext ctx) {
        ctx.stack().slack().recover();
        ctx.stack().sandbox().client().configMaps().inNamespace(DemoStory.NAMESPACE)
                .withLabel(NotifierOutageScenario.SCENARIO_LABEL, LABEL_VALUE).delete();
    }

    @Override
    public void steps(SuiteContext ctx, ScenarioResult.Builder b) {
        Duration wait = ctx.options().timeout();
        SlackRecorder slack = ctx.stack().slack();
        String marker = NotifierOutageScenario.marker(OBJECT);
        Instant start = Instant.now();

        slack.delayAnswers(Duration.ofSeconds(8));
        b.did("made Slack slow: each post recorded at once, its answer held 8 s (the notifier waits up to 10 s)");
        NotifierOutageScenario.createClaiming(ctx.stack().sandbox().client(), OBJECT, LABEL_VALUE);
        b.did("created ConfigMap " + DemoStory.NAMESPACE + "/" + OBJECT + " claiming " + DemoStory.PROD
                + " (UNEXPECTED drift)");
        b.events(1).faults("notifier SIGKILL while Slack held the answer to its post, restarted by the supervisor");
        SlackMessage posted;
        try {
            posted = slack.awaitMessage(m -> !m.receivedAt().isBefore(start) && m.readableText().contains(marker), wait);
        } catch (IllegalStateException e) {
            b.check("the alert reached Slack", false, e.getMessage());
            return;
        }
        ServiceProcess notifier = ctx.stack().service(NOTIFIER);
        long pid = notifier.pid();
        Instant killed = Instant.now();
        ctx.stack().killService(NOTIFIER);
        slack.recover();
        b.did(String.format(Locale.ROOT, "killed %s (pid %d) with SIGKILL %.1f s after Slack recorded the alert, before "
                + "its answer; Slack answers promptly again", NOTIFIER, pid,
                Duration.between(posted.receivedAt(), killed).toMillis() / 1000.0));

        boolean restarted = SuiteContext.awaitTrue(wait, () -> ctx.stack().service(NOTIFIER).pid() != pid
                && ctx.stack().service(NOTIFIER).isAlive()
                && ctx.supervisorLines().stream().anyMatch(l -> l.startsWith("restarted " + NOTIFIER + " ")));
        b.check("the supervisor restarted the notifier", restarted, ctx.supervisorLines().stream()
                .filter(l -> l.contains(NOTIFIER)).map(l -> l.lines().findFirst().orElse("")).toList().toString());
        // the restarted notifier goes on from the committed offsets and the recorded incidents: the alert was sent but
        // not recorded, so it is sent again to every destination (the documented duplicate): wait for it on Slack
        // (bounded: were the kill to come after the record, there would be no resend, and the resolution below would
        // still come after everything about the opening)
        Optional<Instant> again = SuiteContext.await(RESEND_WAIT, () -> slackCopies(ctx, start, null, marker) >= 2
                && mailCopies(ctx, start, null, marker) >= 1 ? Optional.of(Instant.now()) : Optional.empty());
        again.ifPresent(t -> b.recovered(Duration.between(killed, t)));

        Instant putBack = Instant.now();
        ctx.stack().sandbox().client().configMaps().inNamespace(DemoStory.NAMESPACE)
                .withLabel(NotifierOutageScenario.SCENARIO_LABEL, LABEL_VALUE).delete();
        b.did("deleted the ConfigMap (the drift is resolved)");
        // the notifier handles events in order: once the resolution is out, nothing about the opening is still to come
        boolean resolvedSlack = SuiteContext.awaitTrue(wait, () -> ctx.slackSince(putBack).stream()
                .anyMatch(m -> m.readableText().contains("Resolved: " + marker)));
        boolean resolvedMail = SuiteContext.awaitTrue(wait, () -> ctx.stack().smtp().receivedMessages().stream()
                .anyMatch(m -> !m.receivedAt().isBefore(putBack.minusSeconds(1))
                        && String.valueOf(m.text()).contains("Resolved: " + marker)));
        int slackCopies = slackCopies(ctx, start, putBack, marker);
        // e-mail: the resend goes out with Slack's, and the resolution after both (the notifier handles events in order)
        int mailCopies = mailCopies(ctx, start, null, marker);
        int duplicates = Math.max(0, slackCopies - 1) + Math.max(0, mailCopies - 1);
        b.duplicated(duplicates);
        b.did("the alert's opening arrived " + slackCopies + "× on Slack and " + mailCopies + "× by e-mail for 1 kill"
                + again.map(t -> String.format(Locale.ROOT, "; sent again %.1f s after the kill",
                Duration.between(killed, t).toMillis() / 1000.0)).orElse(""));
        b.check("delivered at least once on Slack and by e-mail (nothing lost)", slackCopies >= 1 && mailCopies >= 1,
                "Slack " + slackCopies + ", e-mail " + mailCopies);
        if (slackCopies == 0 || mailCopies == 0) b.lost((slackCopies == 0 ? 1 : 0) + (mailCopies == 0 ? 1 : 0));
        b.check("at most one duplicate per kill on each channel (the documented window)", slackCopies <= 2 && mailCopies <= 2,
                duplicates + " duplicate(s) in all");
        b.check("the restarted notifier alerts: the drift's resolution on Slack and by e-mail", resolvedSlack && resolvedMail,
                "Slack " + resolvedSlack + ", e-mail " + resolvedMail);
    }

    /**
     * Slack messages received from {@code since} to {@code until} (null: now) that told the drift as posted (its
     * announcement, or an update of a drift incident already open; not its resolution).
     */
    private static int slackCopies(SuiteContext ctx, Instant since, Instant until, String marker) {
        return (int) ctx.slackSince(since).stream().filter(m -> until == null || m.receivedAt().isBefore(until))
                .filter(m -> tells(NotifierOutageScenario.asPosted(m), marker)).count();
    }

    /** E-mails received from {@code since} to {@code until} (null: now) that told the drift (not its resolution). */
    private static int mailCopies(SuiteContext ctx, Instant since, Instant until, String marker) {
        List<String> texts = ctx.stack().smtp().receivedMessages().stream()
                .filter(m -> !m.receivedAt().isBefore(since.minusSeconds(1)))
                .filter(m -> until == null || m.receivedAt().isBefore(until))
                .map(m -> String.valueOf(m.text())).toList(); // the body: a thread's later mails keep its first subject
        return (int) texts.stream().filter(t -> tells(t, marker)).count();
    }

    private static boolean tells(String text, String marker) {
        return text.contains(marker) && !text.contains("Resolved: " + marker);
    }
}
