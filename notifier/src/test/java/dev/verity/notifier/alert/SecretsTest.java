package dev.verity.notifier.alert;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SecretsTest {

    @Test
    void masksValuesThatLookLikeSecretsAndKeepsTheRest() {
        assertThat(Secrets.mask("admission webhook denied: env DB_PASSWORD=hunter2 is not allowed"))
                .isEqualTo("admission webhook denied: env DB_PASSWORD=(masked) is not allowed");
        assertThat(Secrets.mask("{\"apiKey\": \"abc123\", \"replicas\": 3}"))
                .isEqualTo("{\"apiKey\": \"(masked)\", \"replicas\": 3}");
        assertThat(Secrets.mask("cannot fetch https://oauth2:glpat-xyz@gitlab.com/acme/gitops.git"))
                .isEqualTo("cannot fetch https://(masked)@gitlab.com/acme/gitops.git");
        assertThat(Secrets.mask("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig refused"))
                .isEqualTo("Authorization: Bearer (masked) refused");
        assertThat(Secrets.mask("token xoxb-1234-5678-abcdef leaked")).doesNotContain("xoxb-1234");
        assertThat(Secrets.mask("key:\n-----BEGIN RSA PRIVATE KEY-----\nMIIE\n-----END RSA PRIVATE KEY-----\nend"))
                .doesNotContain("MIIE").endsWith("end");
    }

    @Test
    void leavesOrdinaryErrorsAlone() {
        String error = "Deployment shop-prod/web: spec.replicas: Invalid value: -1: must be greater than or equal to 0";
        assertThat(Secrets.mask(error)).isEqualTo(error);
        assertThat(Secrets.mask("secretKeyRef: (masked)")).isEqualTo("secretKeyRef: (masked)");
        assertThat(Secrets.mask(null)).isNull();
    }
}
