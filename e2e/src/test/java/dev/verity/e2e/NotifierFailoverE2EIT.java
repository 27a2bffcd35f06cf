package dev.verity.e2e;

import dev.verity.events.Topics;
import dev.verity.stack.DemoStory;
import dev.verity.stack.LocalForge;
import dev.verity.stack.LocalStack;
import dev.verity.stack.ServiceProcess;
import dev.verity.stack.StackOptions;
import dev.verity.testkit.slack.SlackMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two notifiers, active/standby: only the leader alerts; when it is killed (SIGKILL) while an incident is open, the
 * standby takes over from the committed offsets and {@code verity.incidents}: it does not announce the incident
 * again, and the incident's resolution goes into the thread the dead leader started.
 */
class NotifierFailoverE2EIT {

    static final Duration WAIT = Duration.ofMinutes(2);
    static LocalStack stack;
    static DemoStory story;

    @BeforeAll
    static void startStack() throws Exception {
        Path dir = Files.createTempDirectory("verity-notifier-failover-");
        stack = LocalStack.start(StackOptions.onFreePorts(dir));
        story = new DemoStory(stack, WAIT);
    }

    @AfterAll
    static void stopStack() {
        if (stack != null) stack.close();
    }

    @Test
    void theStandbyResolvesTheOpenIncidentInTheLeadersThreadWithoutAnnouncingItAgain() {
        LocalForge.Push release = story.pushReleaseToProd("before the failover");
        story.awaitProdAt(release.after(), "before the failover");
        int desiredReplicas = stack.sandbox().client().apps().deployments().inNamespace(DemoStory.NAMESPACE)
                .withName(DemoStory.DEPLOYMENT).get().getSpec().getReplicas();

        ServiceProcess original = stack.services().get("notifier");
        ServiceProcess second = stack.startNotifierReplica("notifier-2");
        await().atMost(WAIT).until(() -> alerting(original) ^ alerting(second));
        ServiceProcess active = alerting(original) ? original : second;
        ServiceProcess standby = active == original ? second : original;

        story.scaleBehindVerityBack(desiredReplicas + 4);
        SlackMessage root = stack.slack().awaitMessage(m -> !m.isReply() && aboutWebDrift(m), WAIT);
        // killed once the announcement is recorded: a leader killed between sending and recording announces it
        // again after the failover (at-least-once), which is not what this test is about
        await().atMost(WAIT).until(() -> stack.kafka().readValues(Topics.INCIDENTS).stream()
                .anyMatch(v -> v.contains("\"subject\":\"local/shop/prod\"") && v.contains("\"kind\":\"DRIFT\"")
                        && v.contains(root.ts())));

        active.kill();
        await().atMost(WAIT).until(() -> alerting(standby));

        story.scaleBehindVerityBack(desiredReplicas);
        SlackMessage resolved = stack.slack().awaitMessage(m -> root.ts().equals(m.threadTs())
                && m.readableText().contains("Resolved: "), WAIT);
        assertThat(resolved.channel()).isEqualTo(root.channel());
        List<SlackMessage> announcements = stack.slack().messages().stream()
                .filter(m -> !m.isReply() && aboutWebDrift(m)).toList();
        assertThat(announcements).as("the incident announced once, by the leader that died").hasSize(1);
        await().atMost(WAIT).untilAsserted(() -> assertThat(stack.slack().messages().stream()
                .filter(m -> m.ts().equals(root.ts())).findFirst().orElseThrow().readableText())
                .as("its first message shows it resolved").contains("Resolved: "));
    }

    static boolean aboutWebDrift(SlackMessage m) {
        String text = m.readableText();
        return text.contains("Deployment " + DemoStory.NAMESPACE + "/" + DemoStory.DEPLOYMENT)
                && text.contains("`" + DemoStory.PROD + "`");
    }

    /** Whether the notifier leads and alerts, from {@code GET /verity/leadership}. */
    static boolean alerting(ServiceProcess notifier) {
        return notifier.leadership().contains("\"alerting\":true");
    }
}
