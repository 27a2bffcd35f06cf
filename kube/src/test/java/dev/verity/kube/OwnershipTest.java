package dev.verity.kube;

import dev.verity.events.TargetKey;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OwnershipTest {

    static final TargetKey TARGET = TargetKey.parse("local/shop/prod");

    @Test
    void onlyAnotherTargetsAnnotationForbidsTheWrite() {
        assertThat(Ownership.otherOwner(TARGET, null)).isEmpty();
        assertThat(Ownership.otherOwner(TARGET, Map.of())).isEmpty();
        assertThat(Ownership.otherOwner(TARGET, Map.of("verity.dev/target", "local/shop/prod"))).isEmpty();
        assertThat(Ownership.otherOwner(TARGET, Map.of("verity.dev/target", "local/blog/prod")))
                .contains("local/blog/prod");
    }

    @Test
    void theConflictNamesBothTargetsAndTheObject() {
        assertThat(Ownership.conflictMessage(TARGET, "abcdef1234567890", "Service shop/web", "local/blog/prod"))
                .startsWith("local/shop/prod@abcdef123456: Service shop/web belongs to target local/blog/prod")
                .contains("target local/shop/prod must not write it");
    }

    @Test
    void theApplyBodyCarriesTheTargetAnnotationAndLabelsAndNoServerOwnedFields() {
        Manifest m = Manifests.parse(List.of("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: cfg
                  namespace: shop
                  creationTimestamp: null
                  resourceVersion: "12"
                  annotations: {team: web, verity.dev/target: local/other/prod}
                data: {a: b}
                status: {x: y}
                """)).manifests().get(0);

        Map<String, Object> body = Applier.applyBody(m, TARGET);

        assertThat(body).doesNotContainKey("status").containsEntry("data", Map.of("a", "b"));
        assertThat(body.get("metadata")).isEqualTo(Map.of("name", "cfg", "namespace", "shop",
                "annotations", Map.of("team", "web", "verity.dev/target", "local/shop/prod"),
                "labels", Map.of("app.kubernetes.io/managed-by", "verity",
                        "verity.dev/target-hash", Ownership.targetHash(TARGET))));
    }

    @Test
    void aSecretsStringDataIsAppliedAsDataAndWinsOverTheSameKey() {
        Manifest m = Manifests.parse(List.of("""
                apiVersion: v1
                kind: Secret
                metadata: {name: db, namespace: shop}
                data: {user: b2xk, keep: a2VlcA==}
                stringData: {user: admin, password: "pä ss"}
                """)).manifests().get(0);

        Map<String, Object> body = Applier.applyBody(m, TARGET);

        assertThat(body).doesNotContainKey("stringData");
        assertThat(body.get("data")).isEqualTo(Map.of("user", "YWRtaW4=", "keep", "a2VlcA==",
                "password", java.util.Base64.getEncoder().encodeToString("pä ss".getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }

    @Test
    void aConfigMapsStringDataIsNotTouched() {
        Manifest m = Manifests.parse(List.of("""
                apiVersion: v1
                kind: ConfigMap
                metadata: {name: cfg, namespace: shop}
                stringData: {a: b}
                """)).manifests().get(0);

        assertThat(Applier.applyBody(m, TARGET)).containsEntry("stringData", Map.of("a", "b")).doesNotContainKey("data");
    }

    @Test
    void theTargetHashIsAShortStableLabelValue() {
        String hash = Ownership.targetHash(TargetKey.parse("local/shop/prod"));
        assertThat(hash).matches("[0-9a-f]{16}").isEqualTo(Ownership.targetHash(TargetKey.parse("local/shop/prod")));
        assertThat(Ownership.targetHash(TargetKey.parse("local/shop/dev"))).isNotEqualTo(hash);
    }
}
