package dev.verity.events.topics;

import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * What every service does at start, before its Kafka channels connect: provision {@link TopicPlan#of} for the
 * clusters it serves. When Kafka cannot be reached, the service still starts (a receiver must answer forges with
 * 503, consumers wait for their topics) and provisioning is retried in the background until it succeeds.
 */
public final class ProvisionAtStart implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(ProvisionAtStart.class.getName());
    static final Duration RETRY_EVERY = Duration.ofSeconds(10);

    private final String service;
    private final TopicProvisioner provisioner;
    private final List<TopicSpec> plan;
    private final ScheduledExecutorService retries;
    private volatile ProvisionReport report;

    private ProvisionAtStart(String service, TopicProvisioner provisioner, List<TopicSpec> plan) {
        this.service = service;
        this.provisioner = provisioner;
        this.plan = plan;
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, service + "-topic-provisioning");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Provisions the plan for {@code clusters} now, or keeps trying in the background when Kafka cannot be asked.
     *
     * @param kafkaConfig the service's Kafka client settings (bootstrap servers, security)
     */
    public static ProvisionAtStart run(String service, Map<String, ?> kafkaConfig, TopicSettings settings,
            Collection<String> clusters) {
        List<TopicSpec> plan = TopicPlan.of(settings, clusters);
        ProvisionAtStart step = new ProvisionAtStart(service,
                TopicProvisioner.connect(kafkaConfig, "verity-" + service + "-topics", settings.timeout()), plan);
        if (!step.attempt()) {
            step.retries.scheduleWithFixedDelay(() -> {
                if (step.attempt()) step.retries.shutdown();
            }, RETRY_EVERY.toMillis(), RETRY_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }
        return step;
    }

    private boolean attempt() {
        try {
            report = provisioner.ensure(plan);
            LOG.log(System.Logger.Level.INFO, service + ": Kafka topics provisioned: " + report.summary());
            return true;
        } catch (TopicProvisioningException | org.apache.kafka.common.KafkaException e) {
            LOG.log(System.Logger.Level.WARNING, service + ": cannot provision Kafka topics yet (" + e.getMessage()
                    + "); retrying every " + RETRY_EVERY.toSeconds() + " s. Consumers wait for their topics meanwhile.");
            return false;
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.ERROR, service + ": provisioning Kafka topics failed: " + e, e);
            return false;
        }
    }

    /** The report of the provisioning that succeeded, if one has. */
    public Optional<ProvisionReport> report() {
        return Optional.ofNullable(report);
    }

    @Override
    public void close() {
        retries.shutdownNow();
        provisioner.close();
    }
}
