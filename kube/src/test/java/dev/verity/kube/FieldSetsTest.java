package dev.verity.kube;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class FieldSetsTest {

    static final ObjectMapper JSON = new ObjectMapper();

    @SuppressWarnings("unchecked")
    static Map<String, Object> set(String json) {
        try {
            return JSON.readValue(json.replace('\'', '"'), Map.class);
        } catch (Exception e) {
            throw new IllegalArgumentException(json, e);
        }
    }

    @Test
    void subtractingLeavesTheFieldsTheOtherSetDoesNotHold() {
        Map<String, Object> kubectl = set("{'f:data': {'.': {}, 'f:a': {}, 'f:b': {}, 'f:c': {}},"
                + " 'f:metadata': {'f:labels': {'.': {}, 'f:team': {}}}}");
        Map<String, Object> verity = set("{'f:data': {'f:a': {}, 'f:b': {}}, 'f:metadata': {'f:labels': {'f:team': {}}}}");

        assertThat(FieldSets.subtract(kubectl, verity)).isEqualTo(set(
                "{'f:data': {'f:c': {}, '.': {}}, 'f:metadata': {'f:labels': {}}}"));
    }

    @Test
    void aMemberNodeIsRemovedOnlyWhenTheOtherSetHoldsItToo() {
        Map<String, Object> kubectl = set("{'f:spec': {'f:template': {'.': {}, 'f:x': {}}}}");

        assertThat(FieldSets.subtract(kubectl, set("{'f:spec': {'f:template': {'f:x': {}}}}")))
                .isEqualTo(set("{'f:spec': {'f:template': {}}}"));
        assertThat(FieldSets.subtract(kubectl, set("{'f:spec': {'f:template': {'.': {}, 'f:x': {}}}}"))).isEmpty();
        assertThat(FieldSets.subtract(kubectl, set("{'f:spec': {'f:template': {}}}")))
                .isEqualTo(set("{'f:spec': {'f:template': {'f:x': {}}}}"));
    }

    @Test
    void keyedListItemsAreMatchedByTheirKey() {
        Map<String, Object> kubectl = set("{'f:env': {'k:{\\\"name\\\":\\\"A\\\"}': {'.': {}, 'f:name': {}, 'f:value': {}},"
                + " 'k:{\\\"name\\\":\\\"B\\\"}': {'.': {}, 'f:name': {}, 'f:value': {}}}}");
        Map<String, Object> verity = set("{'f:env': {'k:{\\\"name\\\":\\\"A\\\"}': {'.': {}, 'f:name': {}, 'f:value': {}}}}");

        assertThat(FieldSets.subtract(kubectl, verity)).isEqualTo(set(
                "{'f:env': {'k:{\\\"name\\\":\\\"B\\\"}': {'.': {}, 'f:name': {}, 'f:value': {}}}}"));
    }

    @Test
    void holdsAFieldOnlyAsAMember() {
        Map<String, Object> fields = set("{'f:spec': {'f:replicas': {}, 'f:template': {'f:x': {}}}}");

        assertThat(FieldSets.holds(fields, List.of("f:spec", "f:replicas"))).isTrue();
        assertThat(FieldSets.holds(fields, List.of("f:spec", "f:template"))).isFalse();
        assertThat(FieldSets.holds(fields, List.of("f:spec", "f:paused"))).isFalse();
        assertThat(FieldSets.holds(fields, List.of())).isFalse();
    }

    @Test
    void withoutDropsAFieldAndWhatIsUnderIt() {
        Map<String, Object> fields = set("{'f:metadata': {'f:annotations': {'.': {}, 'f:x': {}, 'f:y': {}}}}");

        assertThat(FieldSets.without(fields, List.of("f:metadata", "f:annotations", "f:x")))
                .isEqualTo(set("{'f:metadata': {'f:annotations': {'.': {}, 'f:y': {}}}}"));
        assertThat(FieldSets.without(set("{'f:metadata': {'f:annotations': {'.': {}, 'f:x': {}}}}"),
                List.of("f:metadata", "f:annotations", "f:x"))).isEqualTo(set("{'f:metadata': {'f:annotations': {}}}"));
        assertThat(FieldSets.without(set("{'f:metadata': {'f:annotations': {'f:x': {}}}}"),
                List.of("f:metadata", "f:annotations", "f:x"))).isEmpty();
    }
}
