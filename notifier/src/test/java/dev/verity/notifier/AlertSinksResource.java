package dev.verity.notifier;

import dev.verity.testkit.mail.SmtpServer;
import dev.verity.testkit.slack.SlackRecorder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Starts a {@link SlackRecorder} and an {@link SmtpServer} for a {@code @QuarkusTest} and points the notifier at
 * them: the recorder's incoming webhook, and the SMTP server with two recipients.
 */
public class AlertSinksResource implements QuarkusTestResourceLifecycleManager {

    static final String ONCALL = "oncall@example.com";
    static final String PLATFORM = "platform@example.com";

    private static volatile SlackRecorder slack;
    private static volatile SmtpServer smtp;

    static SlackRecorder slack() {
        return slack;
    }

    static SmtpServer smtp() {
        return smtp;
    }

    @Override
    public Map<String, String> start() {
        slack = SlackRecorder.start();
        smtp = SmtpServer.start();
        return Map.of(
                "verity.notifier.slack.webhook-url", slack.webhookUrl(),
                "verity.notifier.email.to", ONCALL + "," + PLATFORM,
                "verity.notifier.email.from", "verity@test.local",
                "quarkus.mailer.host", smtp.host(),
                "quarkus.mailer.port", String.valueOf(smtp.port()));
    }

    @Override
    public void stop() {
        if (slack != null) slack.close();
        if (smtp != null) smtp.close();
    }
}
