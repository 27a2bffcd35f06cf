package dev.verity.reliability;

import dev.verity.events.Topics;
import dev.verity.stack.LocalStack;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link SuiteContext#CONSUMERS} against the services' configuration, which says who dead-letters what. */
class SuiteContextTest {

    private static final Pattern CHANNEL_TOPIC = Pattern.compile("mp\\.messaging\\.incoming\\.([^.]+)\\.topic");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]+)}");

    @Test
    void theConsumersOfEachPoisonedTopicAreTheServicesThatDeadLetterIt() throws IOException {
        Map<String, TreeSet<String>> derived = new TreeMap<>();
        List<String> wrongDeadLetterTopic = new ArrayList<>();
        Path root = Path.of("").toAbsolutePath().getParent();
        assertThat(root.resolve("verity")).as("the checkout above the reliability module").isRegularFile();
        try (Stream<Path> modules = Files.list(root)) {
            for (Path module : modules.sorted().toList()) {
                Path file = module.resolve("src/main/resources/application.properties");
                if (!Files.isRegularFile(file)) continue;
                Properties p = load(file);
                String service = module.getFileName().toString();
                for (String key : p.stringPropertyNames()) {
                    Matcher m = CHANNEL_TOPIC.matcher(key);
                    if (!m.matches()) continue;
                    String channel = "mp.messaging.incoming." + m.group(1);
                    if (!"dead-letter-queue".equals(p.getProperty(channel + ".failure-strategy"))) continue;
                    String topic = resolve(p.getProperty(key), p, file);
                    derived.computeIfAbsent(topic, t -> new TreeSet<>()).add(SuiteContext.channel(service, m.group(1)));
                    String dlq = resolve(p.getProperty(channel + ".dead-letter-queue.topic", ""), p, file);
                    if (!dlq.equals(Topics.deadLetter(topic))) wrongDeadLetterTopic.add(service + " " + channel + ": " + dlq);
                }
            }
        }
        // the notifier's IncidentLoop is a plain KafkaConsumer: it subscribes these three (commits while it posts
        // commit statuses, which it does in the stack: a forge is configured) and dead-letters what it cannot decode
        Properties notifier = load(root.resolve("notifier/src/main/resources/application.properties"));
        for (String topic : List.of("drift", "rollout", "commits")) {
            derived.computeIfAbsent(notifier.getProperty("verity.notifier.topics." + topic), t -> new TreeSet<>())
                    .add("notifier (IncidentLoop)");
        }

        Map<String, TreeSet<String>> stated = new TreeMap<>();
        SuiteContext.CONSUMERS.forEach((topic, consumers) -> stated.put(topic, new TreeSet<>(consumers)));
        assertThat(stated).isEqualTo(derived);
        assertThat(wrongDeadLetterTopic).as("channels whose dead-letter topic is not <topic>.dlq").isEmpty();
        assertThat(SuiteContext.CONSUMERS.get(Topics.COMMITS)).hasSize(2);
    }

    private static Properties load(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file)) {
            p.load(r);
        }
        return p;
    }

    /**
     * The value with its placeholders resolved: a service's cluster is the stack's ({@link LocalStack#CLUSTER}, as
     * the stack configures the applier and the drift monitor); anything else from the same file.
     */
    private static String resolve(String value, Properties p, Path file) {
        Matcher m = PLACEHOLDER.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String v = name.matches("verity\\.[a-z-]+\\.cluster") ? LocalStack.CLUSTER : p.getProperty(name);
            assertThat(v).as("${" + name + "} in " + file).isNotNull();
            m.appendReplacement(out, Matcher.quoteReplacement(v));
        }
        m.appendTail(out);
        return out.toString();
    }
}
