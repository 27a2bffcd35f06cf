package dev.verity.events.topics;

import java.util.List;

/** What provisioning found or did for one topic. */
public sealed interface TopicOutcome {

    TopicSpec spec();

    /** One line for logs: the topic and what happened. */
    String describe();

    /** The topic did not exist and was created as planned. */
    record Created(TopicSpec spec) implements TopicOutcome {
        @Override
        public String describe() {
            return spec.name() + ": created with " + spec.partitions() + " partition(s), " + spec.sortedConfigs();
        }
    }

    /** The topic exists as planned. */
    record AsPlanned(TopicSpec spec) implements TopicOutcome {
        @Override
        public String describe() {
            return spec.name() + ": exists as planned";
        }
    }

    /** The topic had fewer partitions than planned; partitions were added (never removed). */
    record PartitionsIncreased(TopicSpec spec, int from) implements TopicOutcome {
        @Override
        public String describe() {
            return spec.name() + ": partitions increased from " + from + " to " + spec.partitions()
                    + " (keys hash to new partitions from now on)";
        }
    }

    /**
     * The topic exists with settings Verity does not expect. Provisioning never changes an existing topic's settings
     * (an operator may have chosen them); each problem says what to run to fix it.
     */
    record Mismatched(TopicSpec spec, List<String> problems) implements TopicOutcome {
        public Mismatched {
            problems = List.copyOf(problems);
        }

        @Override
        public String describe() {
            return spec.name() + " (" + spec.purpose() + ") is not as Verity needs it: " + String.join("; ", problems);
        }
    }
}
