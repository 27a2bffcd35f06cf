package dev.verity.drift;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready once the desired states and rollouts were read to where they ended at start, so comparisons run. */
@Readiness
@ApplicationScoped
public class DriftReadiness implements HealthCheck {

    @Inject
    DriftService service;

    @Inject
    DriftConfig config;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("drift-monitor")
                .status(service.catchUp() != null && service.catchUp().caughtUp())
                .withData("cluster", config.cluster())
                .withData("state", service.catchUp() == null ? "starting" : service.catchUp().describe())
                .build();
    }
}
