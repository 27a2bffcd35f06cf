package dev.verity.notifier;

import dev.verity.notifier.alert.EmailFormatter;
import dev.verity.notifier.alert.SlackMessageFormatter;
import dev.verity.notifier.delivery.AlertDispatcher;
import dev.verity.notifier.delivery.DeliveryRetry;
import dev.verity.notifier.delivery.Destination;
import dev.verity.notifier.delivery.GenericWebhook;
import dev.verity.notifier.delivery.RetryPolicy;
import dev.verity.notifier.delivery.SlackWebApi;
import dev.verity.notifier.delivery.SlackWebhook;
import dev.verity.notifier.routing.Route;
import dev.verity.notifier.routing.RouteMatch;
import dev.verity.notifier.routing.Router;
import io.quarkus.mailer.Mailer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Builds the destinations and routes from configuration, with one log line per destination: the default route's
 * ({@code verity.notifier.slack.*}, {@code email.*}, {@code webhook.*}, named {@code slack}, {@code email},
 * {@code webhook}) and each route's ({@code verity.notifier.routes[i].*}, named {@code slack@<route>},
 * {@code email@<route>}, {@code webhook@<route>}).
 */
@ApplicationScoped
public class AlertDestinations {

    private static final Logger LOG = Logger.getLogger(AlertDestinations.class);

    /** Where alerts go: the dispatcher with every destination, and the router that picks them per alert. */
    public record Alerting(AlertDispatcher dispatcher, Router router) {
    }

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
    Alerting alerting(NotifierConfig config, Mailer mailer, UndeliveredPublisher undelivered, DeliveryRetry retry,
            @ConfigProperty(name = "quarkus.mailer.host", defaultValue = "localhost") String smtpHost,
            @ConfigProperty(name = "quarkus.mailer.port") Optional<Integer> smtpPort) {
        String smtp = smtpHost + smtpPort.map(p -> ":" + p).orElse("");
        List<Destination> defaults = new ArrayList<>();

        if (config.slack().botToken().isPresent()) {
            if (config.slack().channel().isEmpty()) {
                throw new IllegalStateException("verity.notifier.slack.bot-token is set but verity.notifier.slack.channel"
                        + " is not: name the channel the bot posts to, by id (C…) or name (#alerts)");
            }
            defaults.add(slackWebApi("slack", config, config.slack().channel().get(), "verity.notifier.slack.*"));
            if (config.slack().webhookUrl().isPresent()) {
                LOG.info("Slack: verity.notifier.slack.webhook-url is ignored, the bot token is used");
            }
        } else if (config.slack().webhookUrl().isPresent()) {
            defaults.add(slackWebhook("slack", config, config.slack().webhookUrl().get(), "verity.notifier.slack.webhook-url"));
        } else {
            LOG.info("Slack: skipped, verity.notifier.slack.webhook-url is not set");
        }
        List<String> to = recipients(config.email().to(), "verity.notifier.email.to");
        if (!to.isEmpty()) {
            defaults.add(email("email", config, mailer, to, smtp));
        } else {
            LOG.info("E-mail: skipped, verity.notifier.email.to is not set");
        }
        if (config.webhook().url().isPresent()) {
            defaults.add(webhook("webhook", config, config.webhook().url().get(), config.webhook().secret(),
                    "verity.notifier.webhook"));
        }

        List<Destination> all = new ArrayList<>(defaults);
        List<Route> routes = new ArrayList<>();
        for (int i = 0; i < config.routes().size(); i++) {
            NotifierConfig.Route r = config.routes().get(i);
            String key = "verity.notifier.routes[" + i + "]";
            String name = r.name().strip();
            if (!name.matches("[a-z0-9][a-z0-9-]*")) {
                throw new IllegalStateException(key + ".name: '" + name + "' is not a route name; use lower-case"
                        + " letters, digits and dashes, such as prod or team-payments");
            }
            RouteMatch match;
            try {
                NotifierConfig.Route.Match m = r.match();
                match = new RouteMatch(m.clusters().orElse(List.of()), m.apps().orElse(List.of()),
                        m.environments().orElse(List.of()), m.kinds().orElse(List.of()), m.severities().orElse(List.of()));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(key + ".match: " + e.getMessage(), e);
            }
            List<Destination> mine = new ArrayList<>();
            if (r.slack().channel().isPresent()) {
                if (config.slack().botToken().isEmpty()) {
                    throw new IllegalStateException(key + ".slack.channel needs verity.notifier.slack.bot-token (the"
                            + " bot posts to every route's channel); or give the route a slack.webhook-url instead");
                }
                mine.add(slackWebApi("slack@" + name, config, r.slack().channel().get(), key + ".slack.channel"));
            } else if (r.slack().webhookUrl().isPresent()) {
                mine.add(slackWebhook("slack@" + name, config, r.slack().webhookUrl().get(), key + ".slack.webhook-url"));
            }
            List<String> routeTo = recipients(r.email().to(), key + ".email.to");
            if (!routeTo.isEmpty()) mine.add(email("email@" + name, config, mailer, routeTo, smtp));
            if (r.webhook().url().isPresent()) {
                mine.add(webhook("webhook@" + name, config, r.webhook().url().get(),
                        r.webhook().secret().or(() -> config.webhook().secret()), key + ".webhook"));
            }
            if (mine.isEmpty() && !r.continueMatching()) {
                LOG.warnf("route %s (%s) has no destination: alerts it matches are dropped (give it slack.channel,"
                        + " slack.webhook-url, email.to or webhook.url)", name, match);
            }
            all.addAll(mine);
            routes.add(new Route(name, match, mine.stream().map(Destination::name).toList(), r.continueMatching()));
            LOG.infof("Route %s: %s → %s%s", name, match, mine.isEmpty() ? "nothing"
                    : String.join(", ", mine.stream().map(Destination::name).toList()),
                    r.continueMatching() ? " (and the next routes that match)" : "");
        }
        if (all.isEmpty()) {
            LOG.warn("No alert destination is configured: alerts are only logged. Set verity.notifier.slack.webhook-url "
                    + "and/or verity.notifier.email.to");
        }
        Router router;
        try {
            router = new Router(routes, defaults.stream().map(Destination::name).toList());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("verity.notifier.routes: " + e.getMessage(), e);
        }
        if (!routes.isEmpty()) {
            LOG.infof("Default route (alerts no route matches): %s", defaults.isEmpty() ? "nothing"
                    : String.join(", ", router.defaults()));
        }
        return new Alerting(new AlertDispatcher(all, retry, config.recentEvents(), undelivered, Clock.systemUTC()), router);
    }

    private static SlackWebApi slackWebApi(String name, NotifierConfig config, String channel, String key) {
        SlackWebApi slack;
        try {
            slack = new SlackWebApi(name, config.slack().apiUrl(), config.slack().botToken().get(), channel,
                    config.slack().timeout(), new SlackMessageFormatter());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(key + ": " + e.getMessage(), e);
        }
        LOG.infof("Slack (%s): alerts go to the %s, one thread per incident", name, slack.describe());
        return slack;
    }

    private static SlackWebhook slackWebhook(String name, NotifierConfig config, URI url, String key) {
        SlackWebhook slack;
        try {
            slack = new SlackWebhook(name, url, config.slack().timeout(), new SlackMessageFormatter());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(key + " is not usable: " + e.getMessage(), e);
        }
        LOG.infof("Slack (%s): alerts go to the %s", name, slack.describe());
        return slack;
    }

    private static EmailDestination email(String name, NotifierConfig config, Mailer mailer, List<String> to, String smtp) {
        EmailDestination email = new EmailDestination(name, mailer, new EmailFormatter(config.email().subjectPrefix()),
                config.email().from(), to, smtp);
        LOG.infof("E-mail (%s): alerts go as %s from %s", name, email.describe(), config.email().from());
        return email;
    }

    private static GenericWebhook webhook(String name, NotifierConfig config, URI url, Optional<String> secret,
            String key) {
        if (secret.isEmpty()) {
            throw new IllegalStateException(key + ".url is set but no secret is (" + key + ".secret or"
                    + " verity.notifier.webhook.secret): every webhook is signed (Standard Webhooks); set a secret such"
                    + " as whsec_$(openssl rand -base64 32) here and in the receiver");
        }
        GenericWebhook webhook;
        try {
            webhook = new GenericWebhook(name, url, secret.get(), config.webhook().timeout(), Clock.systemUTC());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(key + ".*: " + e.getMessage(), e);
        }
        LOG.infof("Webhook (%s): alerts go to the %s, signed as Standard Webhooks", name, webhook.describe());
        return webhook;
    }

    private static List<String> recipients(Optional<List<String>> configured, String key) {
        List<String> to = configured.orElse(List.of()).stream().map(String::strip).filter(s -> !s.isEmpty()).toList();
        to.stream().filter(a -> !a.matches("[^@\\s]+@[^@\\s]+")).findFirst().ifPresent(a -> {
            throw new IllegalStateException(key + ": '" + a + "' is not an e-mail address; "
                    + "give a comma-separated list such as oncall@example.com,platform@example.com");
        });
        return to;
    }
}
