package dev.verity.renderer.service;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SizeLimitTest {

    @Test
    void theDefaultsFitAndALimitTheProducerWouldRefuseStopsTheStartNamingBothSettings() {
        assertThat(Repositories.sizeLimitProblem(16 * 1024 * 1024, 17 * 1024 * 1024)).isEmpty();
        assertThat(Repositories.sizeLimitProblem(16 * 1024 * 1024, 16 * 1024 * 1024)).hasValueSatisfying(p -> assertThat(p)
                .contains("verity.renderer.max-desired-state-size is 16777216")
                .contains("mp.messaging.outgoing.desired.max.request.size is 16777216")
                .contains("at least 16842752"));
        assertThat(Repositories.sizeLimitProblem(10, 17 * 1024 * 1024)).hasValueSatisfying(p -> assertThat(p)
                .contains("set at least 1024"));
    }
}
