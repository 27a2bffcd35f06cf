package dev.verity.notifier;

import dev.verity.testkit.mail.SmtpServer;
import dev.verity.testkit.slack.SlackRecorder;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Starts a {@link SlackRecorder} and an {@link SmtpServer} for a {@code @QuarkusTest} and points the notifier at
 * them: the recorder's incoming webhook (or, with the init argument {@code slack=web-api}, its Web API with the bot
 * token, posting to {@code #alerts}), and the SMTP server with two recipients.
 */
public class AlertSinksResource implements QuarkusTestResourceLifecycleManager {

    static final String ONCALL = "oncall@example.com";
    static final String PLATFORM = "platform@example.com";

    private static volatile SlackRecorder slack;
    private boolean webApi;
    private static volatile SmtpServer smtp;

    static SlackRecorder slack() {
        return slack;
    }

    static SmtpServer smtp() {
        return smtp;
    }

    @Override
    public void init(Map<String, String> initArgs) {
        webApi = "web-api".equals(initArgs.get("slack"));
    }

    @Override
    public Map<String, String> start() {
        slack = SlackRecorder.start();
        smtp = SmtpServer.start();
        if (webApi) {
            return Map.of(
                    "verity.notifier.slack.bot-token", slack.botToken(),
                    "verity.notifier.slack.channel", "#" + SlackRecorder.DEFAULT_CHANNEL,
                    "verity.notifier.slack.api-url", slack.apiUrl(),
                    "verity.notifier.email.to", ONCALL,
                    "verity.notifier.email.from", "verity@test.local",
                    "quarkus.mailer.host", smtp.host(),
                    "quarkus.mailer.port", String.valueOf(smtp.port()));
        }
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
