package dev.verity.receiver.app;

import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The webhook-receiver's configuration. Secrets come from the environment, system properties or a config file
 * outside Git ({@code config/application.properties} in the working directory, or {@code quarkus.config.locations}),
 * never from the {@code application.properties} in the repository.
 *
 * <pre>
 * verity.receiver.repositories.shop.url=https://github.com/acme/shop.git    # VERITY_RECEIVER_REPOSITORIES_SHOP_URL
 * verity.receiver.repositories.shop.secret=…                               # VERITY_RECEIVER_REPOSITORIES_SHOP_SECRET
 * verity.receiver.repositories.shop.secret-file=/run/secrets/shop-hook     # instead of secret
 * verity.receiver.repositories.shop.branch=main                            # optional
 * verity.receiver.repositories.shop.forge=gitlab                           # optional: only /hooks/gitlab/shop
 * verity.receiver.repositories.shop.signing-key=whsec_…                    # optional, GitLab signing token(s)
 * verity.receiver.default-secret=…                                         # VERITY_RECEIVER_DEFAULT_SECRET, optional
 * </pre>
 */
@ConfigMapping(prefix = "verity.receiver")
public interface ReceiverConfig {

    /**
     * Repositories by an id of your choice (letters and digits, so it maps to environment variables). A delivery
     * is matched by the repository URLs in its payload: clone, web and SSH forms of one repository are the same.
     */
    Map<String, Repository> repositories();

    /** The secret for deliveries from any repository not listed in {@link #repositories()}; unset: refuse them. */
    Optional<String> defaultSecret();

    /** The branch Verity renders, for repositories that do not set their own {@code branch}. */
    @WithDefault("main")
    String defaultBranch();

    /**
     * How long a delivery waits for Kafka to acknowledge its event before the receiver answers 503. Keep it under
     * the forge's timeout (GitHub: 10 s) and above the producer's {@code delivery.timeout.ms}.
     */
    @WithDefault("8s")
    Duration publishTimeout();

    /**
     * How far a signed delivery's timestamp (GitLab's {@code webhook-timestamp}) may be from this host's clock before
     * it is refused as a replay.
     */
    @WithDefault("5m")
    Duration replayWindow();

    /**
     * The largest body accepted (Quarkus memory size, e.g. {@code 25M}, GitHub's maximum); a larger one is answered 413
     * before it is read when its {@code Content-Length} says so, else as soon as the cap is passed. Also applied as
     * {@code quarkus.http.limits.max-body-size}, for the other routes (see {@code application.properties}).
     */
    @WithDefault("25M")
    String maxBodySize();

    /** {@link #maxBodySize()} in bytes. */
    default long maxBodyBytes() {
        return new MemorySizeConverter().convert(maxBodySize()).asLongValue();
    }

    /**
     * The longest a delivery may take from its arrival to its answer: past it, a delivery whose body is still
     * arriving is answered 408 and its connection closed (a slow client cannot hold a connection and a buffer for
     * long). Must be above {@link #publishTimeout()}, so a delivery waiting for Kafka gets its 503, and under the
     * forge's timeout (GitHub: 10 s).
     */
    @WithDefault("9s")
    Duration requestTimeout();

    /**
     * The most body bytes all deliveries in flight may hold in memory at once (Quarkus memory size). Each delivery
     * reserves its {@code Content-Length} (the body cap when it sends none) before its body is read, and its body is
     * held once; one that would pass the budget is answered 503 with {@code Retry-After} at once, its body dropped
     * unbuffered, so many large bodies at once cannot run the heap out. Keep it well under the heap (about half of
     * it), and at least the body cap.
     */
    @WithDefault("128M")
    String memoryBudget();

    /** {@link #memoryBudget()} in bytes. */
    default long memoryBudgetBytes() {
        return new MemorySizeConverter().convert(memoryBudget()).asLongValue();
    }

    /**
     * The Kafka producer of {@code verity.commits} ({@link CommitProducer}). Its connection and security settings are
     * the service's {@code kafka.*} ({@code kafka.bootstrap.servers}, {@code kafka.security.protocol}, ...).
     */
    Producer producer();

    /** Per-source rate limits: 429 with {@code Retry-After}, decided before the body is read. */
    RateLimit rateLimit();

    /** The {@code Retry-After} seconds of a 503 answer. */
    @WithDefault("30")
    int retryAfterSeconds();

    /**
     * Token buckets per repository id (of {@code /hooks/<forge>/<id>}) and per client address (the TCP peer, or the
     * forwarded address when {@code quarkus.http.proxy.proxy-address-forwarding} is on behind a proxy you trust).
     * Defaults are generous for real forges, whose deliveries for many repositories come from a few addresses.
     */
    interface RateLimit {
        /** Off: no delivery is refused for its rate. */
        @WithDefault("true")
        boolean enabled();

        /** Deliveries per second regained by one repository id. */
        @WithDefault("20")
        double perRepositoryRate();

        /** Deliveries one repository id may send at once. */
        @WithDefault("200")
        int perRepositoryBurst();

        /** Deliveries per second regained by one client address (all repositories together). */
        @WithDefault("200")
        double perClientRate();

        /** Deliveries one client address may send at once. */
        @WithDefault("2000")
        int perClientBurst();

        /** How many client addresses are remembered at most (memory stays bounded whatever the clients). */
        @WithDefault("10000")
        int maxClients();
    }

    /**
     * The producer's timeouts and batching. A delivery waits for the ack ({@link #publishTimeout()}, 8 s); the
     * producer gives up before that, so a broker that is down yields a 503 well inside GitHub's 10 s timeout rather
     * than a hung request.
     */
    interface Producer {
        /**
         * How long the producer waits to batch events into one produce request ({@code linger.ms}). Deliveries wait
         * for the ack without holding a thread, so many are in flight at once and batch themselves: events that come
         * while a produce request is out ride in the next one. Each delivery waits for the linger before its 202, so
         * a sender with a fixed number of deliveries in flight gets at most that number per linger: on the benchmark
         * (64 in flight, JIT warm) 1 ms gave 14,000-18,800 pushes/s, 0.57-0.61 of the HTTP ceiling, where 3 ms gave
         * 10,900-12,300 and 0.40-0.41, with no more CPU per push (docs/benchmarks.md).
         */
        @WithDefault("1ms")
        Duration linger();

        /**
         * The most bytes of events one produce request carries per partition ({@code batch.size}). Commit events
         * of a repository share a partition and are under 1 KiB each; at thousands of pushes per second Kafka's
         * default of 16 KiB fills within a few ms, and a full batch is sent at once, linger or not: a produce request
         * every two dozen events or so. With 128 KiB, more events ride in each request. Measured on the benchmark machine
         * (broker sharing the two cores): about 40 % less broker CPU and 20 % less receiver CPU per push, 20 % more
         * pushes per second (docs/benchmarks.md). Memory stays bounded by the producer's {@code buffer.memory}
         * (32 MiB).
         */
        @WithDefault("131072")
        int batchSize();

        /** How long the producer waits for the broker to answer a produce request ({@code request.timeout.ms}). */
        @WithDefault("5s")
        Duration requestTimeout();

        /**
         * How long the producer keeps trying to deliver an event, retries included ({@code delivery.timeout.ms}): at
         * least {@link #linger()} plus {@link #requestTimeout()}, and under {@code publish-timeout}.
         */
        @WithDefault("7s")
        Duration deliveryTimeout();

        /**
         * How many events may wait for Kafka at once: handed to the producer and not acknowledged yet, or waiting for
         * the topic's metadata or for room in the producer's memory. Past that a delivery is answered 503 at once.
         */
        @WithDefault("4096")
        int buffer();
    }

    interface Repository {
        /**
         * The repository's clone URL: the {@code repo} of the events from its endpoint {@code /hooks/<forge>/<id>}.
         * On {@code /hooks/github}, deliveries are matched by the payload's URLs against it.
         */
        String url();

        /** The webhook secret (GitLab: the secret token); this or {@link #secretFile()} is required. */
        Optional<String> secret();

        /** A file holding the secret (trailing line breaks dropped), e.g. a mounted Kubernetes Secret. */
        @WithName("secret-file")
        Optional<Path> secretFile();

        /** The branch Verity renders for this repository; default {@code verity.receiver.default-branch}; {@code *} any. */
        Optional<String> branch();

        /** The only forge whose endpoint accepts deliveries for this repository; unset: any. */
        Optional<String> forge();

        /** GitLab signing tokens ({@code whsec_…}, comma-separated while rotating); unset: the token alone. */
        @WithName("signing-key")
        Optional<List<String>> signingKey();

        /** A file holding the signing tokens, one per line. */
        @WithName("signing-key-file")
        Optional<Path> signingKeyFile();
    }
}
