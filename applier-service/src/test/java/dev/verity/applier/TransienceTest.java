package dev.verity.applier;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TransienceTest {

    @Test
    void throttlingServerErrorsTimeoutsAndLostConnectionsAreTransient() {
        assertThat(Transience.of("the API server answered 429 TooManyRequests: Too many requests"))
                .contains("TooManyRequests");
        assertThat(Transience.of("the API server answered 500 InternalError: Internal error occurred: etcd"))
                .contains("ServerError");
        assertThat(Transience.of("the API server answered 503 ServiceUnavailable: unable")).contains("ServerError");
        assertThat(Transience.of("the API server answered 504 Timeout: the server was unable")).contains("Timeout");
        assertThat(Transience.of("the API server could not be reached (ConnectException: Connection refused)"))
                .contains("Unreachable");
        assertThat(Transience.of("the API server could not be reached (TimeoutException: timed out)"))
                .contains("Timeout");
    }

    @Test
    void anOptimisticLockConflictIsTransientButAFieldManagerConflictIsNot() {
        assertThat(Transience.of("the API server answered 409 Conflict: Operation cannot be fulfilled on configmaps"
                + " \"cfg\": the object has been modified; please apply your changes to the latest version and try"
                + " again")).contains("Conflict");
        assertThat(Transience.of("the API server answered 409 Conflict: Apply failed with 1 conflict: conflict with"
                + " \"kubectl\" using v1: .data.a")).isEmpty();
    }

    @Test
    void invalidRequestsAndOtherRefusalsArePermanent() {
        assertThat(Transience.of("the API server answered 422 Invalid: ConfigMap \"cfg\" is invalid")).isEmpty();
        assertThat(Transience.of("the API server answered 400 BadRequest: bad")).isEmpty();
        assertThat(Transience.of("the API server answered 403 Forbidden: no")).isEmpty();
        assertThat(Transience.of("ConfigMap a/b belongs to target local/blog/prod")).isEmpty();
    }
}
