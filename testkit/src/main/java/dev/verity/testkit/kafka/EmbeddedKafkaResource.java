package dev.verity.testkit.kafka;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.util.Map;

/**
 * Starts an in-process {@link EmbeddedKafka} for a {@code @QuarkusTest} and points the service at it
 * ({@code kafka.bootstrap.servers}). Use with {@code restrictToAnnotatedClass = true}; the running broker is
 * {@link #kafka()}.
 */
public class EmbeddedKafkaResource implements QuarkusTestResourceLifecycleManager {

    private static volatile EmbeddedKafka current;

    /** The broker of the test class that is running. */
    public static EmbeddedKafka kafka() {
        EmbeddedKafka kafka = current;
        if (kafka == null) throw new IllegalStateException("no EmbeddedKafkaResource is running for this test");
        return kafka;
    }

    @Override
    public Map<String, String> start() {
        current = EmbeddedKafka.start();
        return Map.of("kafka.bootstrap.servers", current.bootstrapServers());
    }

    @Override
    public void stop() {
        EmbeddedKafka kafka = current;
        current = null;
        if (kafka != null) kafka.close();
    }
}
