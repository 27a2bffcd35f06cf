package dev.verity.notifier;

import dev.verity.notifier.alert.EmailFormatter;
import dev.verity.notifier.alert.SlackMessageFormatter;
import dev.verity.notifier.delivery.AlertDispatcher;
import dev.verity.notifier.delivery.DeliveryRetry;
import dev.verity.notifier.delivery.Destination;
import dev.verity.notifier.delivery.RetryPolicy;
import dev.verity.notifier.delivery.GenericWebhook;
import dev.verity.notifier.delivery.SlackWebApi;
import dev.verity.notifier.delivery.SlackWebhook;
import io.quarkus.mailer.Mailer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Builds the dispatcher from configuration: one destination per configured channel, one log line per channel. */
@ApplicationScoped
public class AlertDestinations {

    private static final Logger LOG = Logger.getLogger(AlertDestinations.class);

    /** Retries of every destination: SmallRye Fault Tolerance as {@code verity.notifier.retry.*} says. */
    @Produces
    @Singleton
    DeliveryRetry retry(NotifierConfig config) {
        try {
            return new FaultTolerantRetry(new RetryPolicy(config.retry().maxAttempts(), config.retry().initialBackoff(),
                    config.retry().maxBackoff(), config.retry().jitter()));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("verity.notifier.retry.*: " + e.getMessage(), e);
        }
    }

    /** A singleton (no client proxy), so it is built, and its lines logged, when the consumers start. */
    @Produces
    @Singleton
    AlertDispatcher dispatcher(NotifierConfig config, Mailer mailer, UndeliveredPublisher undelivered, DeliveryRetry retry,
            @ConfigProperty(name = "quarkus.mailer.host", defaultValue = "localhost") String smtpHost,
            @ConfigProperty(name = "quarkus.mailer.port") Optional<Integer> smtpPort) {
        List<Destination> destinations = new ArrayList<>();

        if (config.slack().botToken().isPresent()) {
            if (config.slack().channel().isEmpty()) {
                throw new IllegalStateException("verity.notifier.slack.bot-token is set but verity.notifier.slack.channel"
                        + " is not: name the channel the bot posts to, by id (C…) or name (#alerts)");
            }
            SlackWebApi slack;
            try {
                slack = new SlackWebApi(config.slack().apiUrl(), config.slack().botToken().get(),
                        config.slack().channel().get(), config.slack().timeout(), new SlackMessageFormatter());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("verity.notifier.slack.*: " + e.getMessage(), e);
            }
            destinations.add(slack);
            LOG.infof("Slack: alerts go to the %s, one thread per incident", slack.describe());
            if (config.slack().webhookUrl().isPresent()) {
                LOG.info("Slack: verity.notifier.slack.webhook-url is ignored, the bot token is used");
            }
        } else if (config.slack().webhookUrl().isPresent()) {
            SlackWebhook slack;
            try {
                slack = new SlackWebhook(config.slack().webhookUrl().get(), config.slack().timeout(), new SlackMessageFormatter());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("verity.notifier.slack.webhook-url is not usable: " + e.getMessage(), e);
            }
            destinations.add(slack);
            LOG.infof("Slack: alerts go to the %s", slack.describe());
        } else {
            LOG.info("Slack: skipped, verity.notifier.slack.webhook-url is not set");
        }

        List<String> to = config.email().to().orElse(List.of()).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        to.stream().filter(a -> !a.matches("[^@\\s]+@[^@\\s]+")).findFirst().ifPresent(a -> {
            throw new IllegalStateException("verity.notifier.email.to: '" + a + "' is not an e-mail address; "
                    + "give a comma-separated list such as oncall@example.com,platform@example.com");
        });
        if (!to.isEmpty()) {
            EmailDestination email = new EmailDestination("email", mailer, new EmailFormatter(config.email().subjectPrefix()),
                    config.email().from(), to, smtpHost + smtpPort.map(p -> ":" + p).orElse(""));
            destinations.add(email);
            LOG.infof("E-mail: alerts go as %s from %s", email.describe(), config.email().from());
        } else {
            LOG.info("E-mail: skipped, verity.notifier.email.to is not set");
        }

        if (config.webhook().url().isPresent()) {
            if (config.webhook().secret().isEmpty()) {
                throw new IllegalStateException("verity.notifier.webhook.url is set but verity.notifier.webhook.secret is"
                        + " not: every webhook is signed (Standard Webhooks); set a secret such as"
                        + " whsec_$(openssl rand -base64 32) here and in the receiver");
            }
            GenericWebhook webhook;
            try {
                webhook = new GenericWebhook(config.webhook().url().get(), config.webhook().secret().get(),
                        config.webhook().timeout(), Clock.systemUTC());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("verity.notifier.webhook.*: " + e.getMessage(), e);
            }
            destinations.add(webhook);
            LOG.infof("Webhook: alerts go to the %s, signed as Standard Webhooks", webhook.describe());
        }

        if (destinations.isEmpty()) {
            LOG.warn("No alert destination is configured: alerts are only logged. Set verity.notifier.slack.webhook-url "
                    + "and/or verity.notifier.email.to");
        }
        return new AlertDispatcher(destinations, retry, config.recentEvents(), undelivered, Clock.systemUTC());
    }
}
