package dev.verity.receiver.app;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
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
 * verity.receiver.repositories.shop.branch=main                            # optional
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

    /** The {@code Retry-After} seconds of a 503 answer. */
    @WithDefault("30")
    int retryAfterSeconds();

    interface Repository {
        /** Any URL of the repository; the published event carries the clone URL from the payload. */
        String url();

        /** The webhook secret (required). */
        String secret();

        /** The branch Verity renders for this repository; default {@code verity.receiver.default-branch}. */
        Optional<String> branch();
    }
}
