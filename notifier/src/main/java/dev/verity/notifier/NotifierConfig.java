package dev.verity.notifier;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The notifier's configuration ({@code verity.notifier.*}). Each destination is optional: one that is not
 * configured is skipped, with one line at start-up saying so. The top-level destinations ({@code slack.*},
 * {@code email.*}, {@code webhook.*}) are the default route; {@code routes[i].*} send some alerts elsewhere. The SMTP server is Quarkus's
 * ({@code quarkus.mailer.host}, {@code quarkus.mailer.port}, …); topics are in {@code mp.messaging.*}.
 */
@ConfigMapping(prefix = "verity.notifier")
public interface NotifierConfig {

    Slack slack();

    Webhook webhook();

    /** A generic webhook: every alert as signed JSON to any URL ({@code verity.notifier.webhook.*}). */
    interface Webhook {
        /** Where to POST; unset: no webhook. May hold a secret (a token in the path): set it from the environment. */
        Optional<URI> url();

        /**
         * The Standard Webhooks signing secret, {@code whsec_<base64>} (env {@code VERITY_NOTIFIER_WEBHOOK_SECRET});
         * required with {@code url}.
         */
        Optional<String> secret();

        /** Connect and answer timeout of one post. */
        @WithDefault("10s")
        Duration timeout();
    }

    Email email();

    /**
     * Routes ({@code verity.notifier.routes[i].*}), tried in order: the first whose {@code match} fits an alert takes
     * it (with {@code continue=true}, later matching routes take it too); an alert no route matches goes to the
     * default route, the destinations above ({@code slack.*}, {@code email.*}, {@code webhook.*}).
     */
    List<Route> routes();

    interface Route {
        /** Names the route in logs and its destinations ({@code slack@<name>}): lower case, digits, dashes. */
        String name();

        Match match();

        /**
         * What the route matches; every list is comma-separated alternatives, an absent one matches anything.
         * Cluster, app and environment are glob patterns ({@code prod-*}).
         */
        interface Match {
            Optional<List<String>> clusters();

            Optional<List<String>> apps();

            Optional<List<String>> environments();

            /**
             * {@code drift}, {@code drift-unknown}, {@code rollout-failure}, {@code degraded},
             * {@code render-failure}, {@code removal-held}, {@code objects-kept}, {@code other}.
             */
            Optional<List<String>> kinds();

            /** {@code error}, {@code warning}: what the incident was opened as (its resolution goes the same way). */
            Optional<List<String>> severities();
        }

        RouteSlack slack();

        /** The route's Slack: a channel the bot ({@code verity.notifier.slack.bot-token}) posts to, or a webhook. */
        interface RouteSlack {
            Optional<String> channel();

            /** A secret: set it from the environment ({@code VERITY_NOTIFIER_ROUTES_0__SLACK_WEBHOOK_URL}). */
            Optional<URI> webhookUrl();
        }

        RouteEmail email();

        interface RouteEmail {
            /** Recipients, comma-separated. */
            Optional<List<String>> to();
        }

        RouteWebhook webhook();

        interface RouteWebhook {
            Optional<URI> url();

            /** Its signing secret; unset: {@code verity.notifier.webhook.secret}. */
            Optional<String> secret();
        }

        /** Whether later routes that match take the alert too. */
        @io.smallrye.config.WithName("continue")
        @WithDefault("false")
        boolean continueMatching();
    }

    /**
     * Commit statuses ({@code verity.notifier.forges.<id>.*}): per repository, the forge whose statuses API gets the
     * commit statuses of its commits. A repository not listed gets none.
     */
    Map<String, Forge> forges();

    /** One repository on a forge; {@code <id>} names it in logs and errors only. */
    interface Forge {
        /** The repository's URL, as the renderer is given it; events are matched to it as {@code RepoIdentity} says. */
        String url();

        /** {@code github}, {@code gitlab}, {@code gitea} or {@code forgejo}. */
        String forge();

        /**
         * The branch the renderer renders ({@code verity.renderer.repositories[<n>].branch}): a push to it shows
         * {@code verity/render} pending at once; pushes to other branches get no status.
         */
        @WithDefault("main")
        String branch();

        /**
         * The API's base URL; unset: {@code https://api.github.com} (a GitHub Enterprise host:
         * {@code https://<host>/api/v3}), {@code https://<host>/api/v4} (GitLab), {@code https://<host>/api/v1}
         * (Gitea, Forgejo).
         */
        Optional<URI> apiUrl();

        /** {@code owner/repo} (GitLab: the project's full path); unset: the URL's path without {@code .git}. */
        Optional<String> project();

        /**
         * The API token (a secret: set it from the environment, {@code VERITY_NOTIFIER_FORGES_<ID>_TOKEN}); GitHub:
         * {@code repo:status} (fine-grained: "Commit statuses: write"), GitLab: {@code api}, Gitea/Forgejo:
         * {@code write:repository}. Give this or {@code token-file}.
         */
        Optional<String> token();

        /** A file holding the token (a mounted Secret), read at start; trailing whitespace is ignored. */
        Optional<java.nio.file.Path> tokenFile();

        /** The link each status carries (your dashboard), or none. */
        Optional<URI> targetUrl();

        /** Connect and answer timeout of one call. */
        @WithDefault("10s")
        Duration timeout();
    }

    Retry retry();

    Incidents incidents();

    /** The topics the leader reads and writes ({@code verity.notifier.topics.*}). */
    Topics topics();

    interface Topics {
        @WithDefault("verity.drift")
        String drift();

        @WithDefault("verity.rollout")
        String rollout();

        /** Pushes, read for the commit statuses only (pending while a pushed commit is rendered). */
        @WithDefault("verity.commits")
        String commits();

        /** Where incidents are kept (compacted), and rebuilt from on election. */
        @WithDefault("verity.incidents")
        String incidents();
    }

    /**
     * Active/standby between notifier replicas ({@code verity.notifier.leader-session-timeout}): one leads, reads
     * the drift and rollout topics and alerts; a standby takes over within this time after the leader dies, from the
     * leader's committed offsets and its incidents on {@code verity.incidents}.
     */
    @WithDefault("10s")
    Duration leaderSessionTimeout();

    /** How incidents are grouped, reminded and rate-limited ({@code verity.notifier.incidents.*}). */
    interface Incidents {
        /** A new incident waits this long for others of the same commit, to be announced together (0: at once). */
        @WithDefault("30s")
        Duration groupWindow();

        /** An incident still open is announced again this often. */
        @WithDefault("4h")
        Duration reminderInterval();

        /** The period over which an incident's openings are counted to tell it flapping. */
        @WithDefault("1h")
        Duration flapWindow();

        /** This many openings within the flapping window make an incident flapping (announced once, then quiet). */
        @WithDefault("4")
        int flapThreshold();
    }

    /**
     * The status page ({@code verity.notifier.status-page.*}): {@code GET /status} on this service's HTTP port, every
     * target's state and its drift and incident history, read from the topics by every replica (no leadership).
     */
    StatusPage statusPage();

    interface StatusPage {
        /** Whether {@code /status} and {@code /status/api/targets} are served (off: they answer 404). */
        @WithDefault("true")
        boolean enabled();

        /** How many drift and incident lines the page keeps per target (the newest). */
        @WithDefault("50")
        int history();

        /** How often the topics are listed again, to show a new cluster's targets. */
        @WithDefault("30s")
        Duration rescanInterval();

        /** How long reading the topics may take at each step before the page says Kafka is not answering. */
        @WithDefault("15s")
        Duration kafkaTimeout();
    }

    /** How many recent event ids are remembered per destination, so a redelivered event is alerted once. */
    @WithDefault("10000")
    int recentEvents();

    interface Slack {
        /**
         * The Slack incoming-webhook URL ({@code https://hooks.slack.com/services/…}). A secret: set it from the
         * environment ({@code VERITY_NOTIFIER_SLACK_WEBHOOK_URL}). Unset: no Slack messages.
         */
        Optional<URI> webhookUrl();

        /**
         * A Slack bot token ({@code xoxb-…}, scope {@code chat:write}) to post through the Web API instead of a
         * webhook: each incident becomes a thread, its first message edited to show its current state. A secret:
         * set it from the environment ({@code VERITY_NOTIFIER_SLACK_BOT_TOKEN}). Needs {@code channel}.
         */
        Optional<String> botToken();

        /** The channel the bot posts to, by id ({@code C…}) or name ({@code #alerts}); the bot must be in it. */
        Optional<String> channel();

        /** The Web API's base URL. */
        @WithDefault("https://slack.com/api")
        URI apiUrl();

        /** Connect and answer timeout of one post to the webhook. */
        @WithDefault("10s")
        Duration timeout();
    }

    interface Email {
        /** Recipients of every alert, comma-separated. Unset: no e-mails. */
        Optional<List<String>> to();

        /** The sender address. */
        @WithDefault("verity@localhost")
        String from();

        /** Put in front of every subject. */
        @WithDefault("[verity]")
        String subjectPrefix();
    }

    /**
     * Retries of transient delivery failures, per destination, by SmallRye Fault Tolerance
     * ({@code verity.notifier.retry.*}); after the last attempt the alert goes to {@code verity.undelivered}.
     */
    interface Retry {
        /** Attempts per alert and destination, the first included, for transient failures. */
        @WithDefault("4")
        int maxAttempts();

        /** Wait after the first failed attempt; doubled after each next one. */
        @WithDefault("1s")
        Duration initialBackoff();

        /** The longest wait between two attempts (a {@code Retry-After} may ask for longer, up to 5 minutes). */
        @WithDefault("30s")
        Duration maxBackoff();

        /** Each wait is moved by up to this much either way at random, so that retries do not come in step. */
        @WithDefault("200ms")
        Duration jitter();
    }
}
