package dev.verity.service;

import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.interceptor.Interceptor;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The readiness check {@code kafka}: DOWN while the Kafka cluster does not answer, UP again once it does, with the
 * bootstrap servers and the last error (never the client's other settings). A service that cannot reach Kafka can
 * do no work (its inputs and outputs are topics), so it leaves its load balancer and its rollout waits; liveness is
 * not touched, since a restart would not bring Kafka back.
 *
 * <p>Probes with the Kafka Admin client ({@code describeCluster}) every {@code verity.health.kafka.interval} (5 s),
 * each bounded by {@code verity.health.kafka.timeout} (3 s), on a thread of its own: the health endpoint reads the
 * last verdict and never waits for Kafka. So readiness follows an outage within interval + timeout.
 *
 * <p>{@code topics} says whether {@link TopicsAtStart} has provisioned the topics yet; it does not gate readiness
 * (a deployment may provision them itself and deny the services the rights to describe them).
 *
 * <p>The webhook receiver sets {@code verity.health.kafka.readiness=false}: it stays ready and answers forges 503,
 * so that they record the failure; its check is then UP with {@code reachable} saying what the probe found.
 */
@Readiness
@ApplicationScoped
public class KafkaHealth implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(KafkaHealth.class);
    static final String NAME = "kafka";

    @Inject
    @Identifier("default-kafka-broker")
    Map<String, Object> kafka;

    @ConfigProperty(name = "verity.service.name")
    String service;

    @Inject
    TopicsAtStart topics;

    /** Whether an unreachable Kafka makes the service not ready (false: the receiver, which answers 503 instead). */
    @ConfigProperty(name = "verity.health.kafka.readiness", defaultValue = "true")
    boolean gatesReadiness;

    /** How often the {@code kafka} readiness check asks the Kafka cluster whether it answers. */
    @ConfigProperty(name = "verity.health.kafka.interval", defaultValue = "5s")
    Duration interval;

    /** How long one probe of the {@code kafka} readiness check waits for the Kafka cluster's answer. */
    @ConfigProperty(name = "verity.health.kafka.timeout", defaultValue = "3s")
    Duration timeout;

    private volatile KafkaReachability reachability = new KafkaReachability("");
    private ScheduledExecutorService probes;
    private Admin admin;

    void start(@Observes @Priority(Interceptor.Priority.LIBRARY_BEFORE - 2) StartupEvent start) {
        Map<String, Object> props = new HashMap<>();
        kafka.forEach((k, v) -> {
            if (AdminClientConfig.configNames().contains(k) && v != null) props.put(k, v);
        });
        String bootstrap = String.valueOf(props.getOrDefault(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, ""));
        reachability = new KafkaReachability(bootstrap);
        int millis = (int) Math.min(Integer.MAX_VALUE, timeout.toMillis());
        props.put(AdminClientConfig.CLIENT_ID_CONFIG, "verity-" + service + "-health");
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, millis);
        props.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1000);
        admin = Admin.create(props);
        probes = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, service + "-kafka-health");
            t.setDaemon(true);
            return t;
        });
        probes.scheduleWithFixedDelay(this::probe, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void probe() {
        boolean wasReachable = reachability.reachable();
        KafkaReachability.Verdict before = reachability.state().verdict();
        try {
            int brokers = admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()))
                    .nodes().get(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS).size();
            reachability.answered(Instant.now(), brokers);
            if (!wasReachable && before != KafkaReachability.Verdict.UNKNOWN) {
                LOG.infof("%s: Kafka at %s answers again (%d brokers)%s", service, reachability.bootstrapServers(),
                        brokers, gatesReadiness ? "; ready again" : "");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            reachability.failed(Instant.now(), new RuntimeException("no answer within " + timeout.toMillis() + " ms: "
                    + KafkaReachability.describe(e)));
            if (wasReachable || before == KafkaReachability.Verdict.UNKNOWN) {
                LOG.warnf("%s: Kafka at %s does not answer (%s)%s", service, reachability.bootstrapServers(),
                        reachability.state().error(), gatesReadiness
                                ? "; not ready until it does (/q/health/ready, check kafka)"
                                : "; deliveries are answered 503 until it does");
            }
        }
    }

    @Override
    public HealthCheckResponse call() {
        KafkaReachability current = reachability;
        HealthCheckResponseBuilder response = HealthCheckResponse.named(NAME)
                .status(!gatesReadiness || current.reachable());
        current.data(Instant.now()).forEach((key, value) -> {
            if (value instanceof Boolean b) response.withData(key, b);
            else if (value instanceof Number n) response.withData(key, n.longValue());
            else response.withData(key, String.valueOf(value));
        });
        response.withData("topics", topics.provisioned() ? "provisioned"
                : "not provisioned yet (retried every 10 s while Kafka cannot be asked)");
        if (!gatesReadiness) {
            response.withData("readiness", "not gated by Kafka: deliveries are answered 503 while it is unreachable");
        }
        return response.build();
    }

    /** What the probes found last. */
    public KafkaReachability reachability() {
        return reachability;
    }

    @PreDestroy
    void close() {
        if (probes != null) probes.shutdownNow();
        if (admin != null) admin.close(Duration.ofSeconds(1));
    }
}
