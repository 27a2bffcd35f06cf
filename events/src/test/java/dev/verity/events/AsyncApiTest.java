package dev.verity.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code docs/asyncapi.yaml} says what the event records are, for every topic and event type. */
class AsyncApiTest {

    static final Path DOCUMENT = Path.of("../docs/asyncapi.yaml");

    @Test
    void everyEventTypeIsOnOneTopicAndEveryPlannedTopicIsDocumented() {
        List<EventType> placed = AsyncApiDocument.CHANNELS.values().stream().flatMap(c -> c.events().stream()).toList();
        assertThat(placed).doesNotHaveDuplicates().containsExactlyInAnyOrder(EventType.values());
        Set<String> planned = dev.verity.events.topics.TopicPlan.of(dev.verity.events.topics.TopicSettings.DEFAULTS,
                        List.of("c")).stream().map(dev.verity.events.topics.TopicSpec::name)
                .filter(n -> !n.endsWith(".dlq") && !n.startsWith(Topics.LEADER_PREFIX))
                .map(n -> n.equals(Topics.desired("c")) || n.equals(Topics.applied("c"))
                        ? n.substring(0, n.length() - 1) + "{cluster}" : n)
                .collect(Collectors.toCollection(TreeSet::new));
        assertThat(AsyncApiDocument.CHANNELS.keySet()).containsExactlyInAnyOrderElementsOf(planned);
    }

    @Test
    void theDocumentInDocsIsUpToDate() throws Exception {
        String generated = AsyncApiDocument.yaml();
        if (Boolean.getBoolean("verity.asyncapi.write")) Files.writeString(DOCUMENT, generated);
        assertThat(Files.exists(DOCUMENT) ? Files.readString(DOCUMENT) : "")
                .as("docs/asyncapi.yaml is out of date with the event records: run "
                        + "./mvnw -pl events test -Dtest=AsyncApiTest -Dverity.asyncapi.write=true and commit it")
                .isEqualTo(generated);
    }

    @Test
    void eachEventsDataSchemaNamesExactlyTheFieldsTheCodecWrites() throws Exception {
        JsonNode doc = new ObjectMapper(new YAMLFactory()).readTree(AsyncApiDocument.yaml());
        for (EventType type : EventType.values()) {
            JsonNode schema = doc.path("components").path("schemas").path(type.recordClass().getSimpleName());
            Set<String> documented = new TreeSet<>();
            schema.path("properties").fieldNames().forEachRemaining(documented::add);
            Set<String> components = Arrays.stream(type.recordClass().getRecordComponents())
                    .map(java.lang.reflect.RecordComponent::getName).collect(Collectors.toCollection(TreeSet::new));
            assertThat(documented).as(type.type()).isEqualTo(components);
        }
        // and the codec writes those names: a DesiredState's data has exactly its record's fields
        DesiredState desired = DesiredState.of(new TargetKey("prod", "shop", "prod"), "https://git.example/acme/gitops",
                "1111111111111111111111111111111111111111", "apps/shop/overlays/prod", Policy.DEFAULT, List.of("a: 1"));
        JsonNode data = new ObjectMapper().readTree(new EventCodec().encode(desired)).path("data");
        Set<String> written = new TreeSet<>();
        data.fieldNames().forEachRemaining(written::add);
        Set<String> documented = new TreeSet<>();
        doc.path("components").path("schemas").path("DesiredState").path("properties").fieldNames().forEachRemaining(documented::add);
        assertThat(written).isEqualTo(documented);
    }
}
