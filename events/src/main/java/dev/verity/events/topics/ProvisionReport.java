package dev.verity.events.topics;

import java.util.List;

/** The outcome of one provisioning step, per topic, in plan order. */
public record ProvisionReport(List<TopicOutcome> outcomes) {

    public ProvisionReport {
        outcomes = List.copyOf(outcomes);
    }

    /** The topics whose settings differ from the plan. */
    public List<TopicOutcome.Mismatched> mismatches() {
        return outcomes.stream().filter(TopicOutcome.Mismatched.class::isInstance)
                .map(TopicOutcome.Mismatched.class::cast).toList();
    }

    /** The topics this step created or added partitions to. */
    public List<TopicOutcome> changes() {
        return outcomes.stream().filter(o -> o instanceof TopicOutcome.Created || o instanceof TopicOutcome.PartitionsIncreased)
                .toList();
    }

    /** One line: how many topics were checked, created, grown, and how many differ. */
    public String summary() {
        long created = outcomes.stream().filter(TopicOutcome.Created.class::isInstance).count();
        long grown = outcomes.stream().filter(TopicOutcome.PartitionsIncreased.class::isInstance).count();
        return outcomes.size() + " topic(s) checked: " + created + " created, " + grown + " with partitions added, "
                + mismatches().size() + " not as planned";
    }
}
