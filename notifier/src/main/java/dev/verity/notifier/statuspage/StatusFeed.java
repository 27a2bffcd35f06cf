package dev.verity.notifier.statuspage;

import dev.verity.fleet.LiveFleet;
import dev.verity.fleet.TopicReader;
import dev.verity.notifier.NotifierConfig;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Keeps the status page's view of the fleet: a {@link LiveFleet} started with the service (on every replica: it joins
 * no consumer group and needs no leadership), with the service's own Kafka client settings, so it reads wherever the
 * notifier does (TLS, SASL included).
 */
@ApplicationScoped
public class StatusFeed {

    private static final Logger LOG = Logger.getLogger(StatusFeed.class);

    @Inject
    NotifierConfig config;

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    private volatile LiveFleet live;

    void start(@Observes StartupEvent start) {
        NotifierConfig.StatusPage page = config.statusPage();
        if (!page.enabled()) {
            LOG.info("status page: off (verity.notifier.status-page.enabled=false); /status answers 404");
            return;
        }
        live = new LiveFleet(() -> new TopicReader(kafka, page.kafkaTimeout(), "verity-notifier-status-page"),
                page.history(), page.rescanInterval(), Duration.ofMillis(500), Clock.systemUTC()).start();
        LOG.infof("status page: reading Verity's topics from %s; served at /status", kafka.get("bootstrap.servers"));
    }

    /** The latest view, or empty when the page is off. */
    public Optional<LiveFleet.Published> current() {
        LiveFleet l = live;
        return l == null ? Optional.empty() : Optional.of(l.current());
    }

    @PreDestroy
    void stop() {
        LiveFleet l = live;
        if (l != null) l.close();
    }
}
