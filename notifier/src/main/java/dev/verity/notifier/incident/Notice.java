package dev.verity.notifier.incident;

import dev.verity.events.VerityEvent;
import dev.verity.notifier.alert.Alert;

import java.util.List;
import java.util.Objects;

/** What to tell people, as the {@link IncidentBook} decides it. */
public sealed interface Notice {

    /**
     * Incidents announced for the first time: one, or several opened from one commit within the grouping window
     * (a summary listing them, with each one's detail in its thread). An incident resolved while it waited is
     * announced as resolved.
     */
    record Opened(List<Incident> incidents) implements Notice {
        public Opened {
            incidents = List.copyOf(incidents);
            if (incidents.isEmpty()) throw new IllegalArgumentException("an announcement needs an incident");
        }

        public boolean grouped() {
            return incidents.size() > 1;
        }
    }

    /** An announced incident changed (in its thread; its first message shows the current state). */
    record Updated(Incident incident, VerityEvent cause) implements Notice {
        public Updated {
            Objects.requireNonNull(incident, "incident");
            Objects.requireNonNull(cause, "cause");
        }
    }

    /** An incident still open after the reminder interval. */
    record Reminder(Incident incident) implements Notice {
        public Reminder {
            Objects.requireNonNull(incident, "incident");
        }
    }

    /**
     * An announced incident is resolved; {@code cause} is the event that resolved it, or null when a flapping
     * incident stayed resolved for the flapping window.
     */
    record Resolved(Incident incident, VerityEvent cause) implements Notice {
        public Resolved {
            Objects.requireNonNull(incident, "incident");
        }
    }

    /** An incident opens and resolves too often: announced once; its openings and resolutions go quiet. */
    record Flapping(Incident incident) implements Notice {
        public Flapping {
            Objects.requireNonNull(incident, "incident");
        }
    }

    /** An event worth telling that is not an incident (a removal held, objects kept by a prune): sent as it is. */
    record Single(Alert alert) implements Notice {
        public Single {
            Objects.requireNonNull(alert, "alert");
        }
    }
}
