package dev.verity.service;

import dev.verity.events.EventCodec;
import dev.verity.events.EventIntake;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The service's one {@link EventIntake}: every channel that reads events decodes them through it, so the skipped
 * counts of all of them are in one place. Inject {@code EventIntake}.
 */
@ApplicationScoped
public class ServiceIntake {

    @Produces
    @Singleton
    EventIntake intake(@ConfigProperty(name = "verity.service.name") String service) {
        return new EventIntake(service, new EventCodec());
    }
}
