package dev.verity.applier;

import dev.verity.testkit.kafka.KafkaBrokerProcess;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A Kafka broker in a child JVM ({@link KafkaBrokerProcess}) for a {@code @QuarkusTest} that stops and restarts it
 * (a Kafka outage); topics are provisioned by the service at start. The leadership session is 30 s here, so that a
 * short outage does not depose the applier (it would only delay the test).
 */
public class BrokerProcessResource implements QuarkusTestResourceLifecycleManager {

    private static volatile KafkaBrokerProcess broker;

    static KafkaBrokerProcess broker() {
        KafkaBrokerProcess current = broker;
        if (current == null) throw new IllegalStateException("no BrokerProcessResource is running for this test");
        return current;
    }

    @Override
    public Map<String, String> start() {
        try {
            broker = KafkaBrokerProcess.start(Files.createTempDirectory("verity-outage-kafka"), 0);
            broker.provision("local"); // before the service starts: a loaded machine's broker may take a while
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Map.of("kafka.bootstrap.servers", broker.bootstrapServers(),
                "verity.applier.leader-session-timeout", "30s",
                "verity.applier.publish-timeout", "3s",
                "verity.applier.publish-retry-max-delay", "2s");
    }

    @Override
    public void stop() {
        KafkaBrokerProcess current = broker;
        broker = null;
        if (current != null) current.close();
    }
}
