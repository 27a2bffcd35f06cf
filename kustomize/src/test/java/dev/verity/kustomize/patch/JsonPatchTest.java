package dev.verity.kustomize.patch;

import static dev.verity.kustomize.patch.TestYaml.map;
import static dev.verity.kustomize.patch.TestYaml.parse;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verity.kustomize.yaml.MapNode;
import org.junit.jupiter.api.Test;

/**
 * Expectations recorded with {@code kubectl kustomize} v1.32 (Kustomize v5.5.0) on a directory holding
 * {@code r.yaml} (the ConfigMap below) and a kustomization {@code resources: [r.yaml]} with
 * {@code patches: [{target: {kind: ConfigMap}, patch: <the ops>}]}, unless a test names a conformance case.
 */
class JsonPatchTest {

    private static final String CONFIG_MAP = """
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: c
              labels:
                a: b
            data:
              k: v
            list:
            - 1
            - 2
            - 3
            """;

    private static MapNode patched(String resource, String ops) {
        return JsonPatch.parse(parse(ops), "inline patch").apply(map(resource));
    }

    private static MapNode patched(String ops) {
        return patched(CONFIG_MAP, ops);
    }

    private static String failure(String ops) {
        try {
            patched(ops);
        } catch (PatchException e) {
            return e.getMessage();
        }
        throw new AssertionError("the patch applied: " + ops);
    }

    @Test
    void conformance23EveryOpWrittenAsYaml() {
        assertThat(patched("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: shipping
                  labels:
                    app: shipping
                    legacy-name: shipping-service
                  annotations:
                    acme.io/docs: https://wiki.acme.example/shipping
                spec:
                  replicas: 1
                  template:
                    spec:
                      containers:
                      - name: shipping
                        image: ghcr.io/acme/shipping:2.2.2
                        args: ["--listen=:8080"]
                        env:
                        - name: CARRIER
                          value: dhl
                        livenessProbe:
                          tcpSocket:
                            port: 8080
                """, """
                - op: test
                  path: /spec/replicas
                  value: 1
                - op: replace
                  path: /spec/replicas
                  value: 3
                - op: add
                  path: /metadata/annotations/acme.io~1team
                  value: logistics
                - op: add
                  path: /spec/template/spec/containers/0/env/-
                  value:
                    name: CARRIER_TIMEOUT
                    value: "30s"
                - op: add
                  path: /spec/template/spec/containers/0/args/0
                  value: --region=eu
                - op: remove
                  path: /spec/template/spec/containers/0/livenessProbe
                - op: move
                  from: /metadata/labels/legacy-name
                  path: /metadata/labels/app.kubernetes.io~1component
                - op: copy
                  from: /spec/template/spec/containers/0/image
                  path: /metadata/annotations/acme.io~1image
                - op: add
                  path: /spec/template/spec/automountServiceAccountToken
                  value: false
                """)).isEqualTo(map("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  annotations:
                    acme.io/docs: https://wiki.acme.example/shipping
                    acme.io/image: ghcr.io/acme/shipping:2.2.2
                    acme.io/team: logistics
                  labels:
                    app: shipping
                    app.kubernetes.io/component: shipping-service
                  name: shipping
                spec:
                  replicas: 3
                  template:
                    spec:
                      automountServiceAccountToken: false
                      containers:
                      - args:
                        - --region=eu
                        - --listen=:8080
                        env:
                        - name: CARRIER
                          value: dhl
                        - name: CARRIER_TIMEOUT
                          value: 30s
                        image: ghcr.io/acme/shipping:2.2.2
                        name: shipping
                """));
    }

    @Test
    void conformance23OpsWrittenAsAJsonArray() {
        assertThat(patched("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: shipping-rates
                data:
                  STANDARD: "4.90"
                  EXPRESS: "14.90"
                  LEGACY: "0"
                """, """
                [{"op": "replace", "path": "/data/EXPRESS", "value": "19.90"}, {"op": "remove", "path": "/data/LEGACY"},
                 {"op": "add", "path": "/data/FREE_ABOVE", "value": "100"}]
                """)).isEqualTo(map("""
                apiVersion: v1
                data:
                  EXPRESS: "19.90"
                  FREE_ABOVE: "100"
                  STANDARD: "4.90"
                kind: ConfigMap
                metadata:
                  name: shipping-rates
                """));
    }

    @Test
    void conformance29CustomResourceTestReplaceAppendRemove() {
        assertThat(patched("""
                apiVersion: dataprotection.acme.io/v1beta1
                kind: BackupSchedule
                metadata:
                  name: orders-db
                spec:
                  paused: true
                  retention:
                    daily: 7
                  destinations:
                  - type: s3
                """, """
                - op: test
                  path: /spec/retention/daily
                  value: 7
                - op: replace
                  path: /spec/retention/daily
                  value: 14
                - op: add
                  path: /spec/destinations/-
                  value:
                    type: s3
                    bucket: acme-backups-dr
                - op: remove
                  path: /spec/paused
                """).map("spec")).isEqualTo(map("""
                destinations:
                - type: s3
                - bucket: acme-backups-dr
                  type: s3
                retention:
                  daily: 14
                """));
    }

    @Test
    void replaceOfAnAbsentMapKeyAddsIt() {
        assertThat(patched("[{\"op\":\"replace\",\"path\":\"/data/x\",\"value\":\"1\"}]").map("data"))
                .isEqualTo(map("k: v\nx: \"1\"\n"));
    }

    @Test
    void listIndexesAppendAtLengthAndCountFromTheEndWhenNegative() {
        assertThat(patched("[{\"op\":\"add\",\"path\":\"/list/3\",\"value\":9}]").seq("list"))
                .isEqualTo(parse("[1, 2, 3, 9]"));
        assertThat(patched("[{\"op\":\"add\",\"path\":\"/list/-1\",\"value\":9}]").seq("list"))
                .isEqualTo(parse("[1, 2, 3, 9]"));
        assertThat(patched("[{\"op\":\"remove\",\"path\":\"/list/-1\"}]").seq("list"))
                .isEqualTo(parse("[1, 2]"));
        assertThat(patched("[{\"op\":\"remove\",\"path\":\"/list/0\"}]").seq("list"))
                .isEqualTo(parse("[2, 3]"));
        assertThat(patched("[{\"op\":\"replace\",\"path\":\"/list/01\",\"value\":7}]").seq("list"))
                .isEqualTo(parse("[1, 7, 3]"));
    }

    @Test
    void pointerEscapesAndTheSkippedFirstSegment() {
        assertThat(patched("[{\"op\":\"add\",\"path\":\"/metadata/labels/a~1b~0c\",\"value\":\"x\"}]")
                .map("metadata").map("labels")).isEqualTo(map("a: b\na/b~c: x\n"));
        // "data/z": json-patch v4 ignores the first segment, so the key lands at the top
        assertThat(patched("[{\"op\":\"add\",\"path\":\"data/z\",\"value\":\"1\"}]").string("z")).isEqualTo("1");
    }

    @Test
    void copyAddWithoutValueAddOverExistingAndNullTests() {
        assertThat(patched("[{\"op\":\"copy\",\"from\":\"/list\",\"path\":\"/data2\"}]").get("data2"))
                .isEqualTo(parse("[1, 2, 3]"));
        assertThat(patched("[{\"op\":\"add\",\"path\":\"/data/x\"}]").map("data"))
                .isEqualTo(map("k: v\nx: null\n"));
        assertThat(patched("[{\"op\":\"add\",\"path\":\"/data/k\",\"value\":{\"n\":1}}]").map("data"))
                .isEqualTo(map("k:\n  n: 1\n"));
        assertThat(patched("[{\"op\":\"test\",\"path\":\"/data/x\",\"value\":null}]")).isEqualTo(map(CONFIG_MAP));
    }

    @Test
    void errorsCarryKustomizesMessageAndTheOperation() {
        assertThat(failure("[{\"op\":\"remove\",\"path\":\"/data/x\"}]")).startsWith(
                "error in remove for path: '/data/x': Unable to remove nonexistent key: x: missing value");
        assertThat(failure("[{\"op\":\"add\",\"path\":\"/spec/x/y\",\"value\":1}]")).startsWith(
                "add operation does not apply: doc is missing path: \"/spec/x/y\": missing value");
        assertThat(failure("[{\"op\":\"test\",\"path\":\"/data/k\",\"value\":\"w\"}]"))
                .startsWith("testing value /data/k failed: test failed");
        assertThat(failure("[{\"op\":\"add\",\"path\":\"/list/5\",\"value\":9}]")).startsWith(
                "Unable to access invalid index: 5: invalid index referenced");
        assertThat(failure("[{\"op\":\"replace\",\"path\":\"/list/3\",\"value\":9}]")).startsWith(
                "replace operation does not apply: doc is missing key: /list/3: missing value");
        assertThat(failure("[{\"op\":\"move\",\"from\":\"/data/x\",\"path\":\"/data/y\"}]")).startsWith(
                "error in move for path: 'x': Unable to remove nonexistent key: x: missing value");
        assertThat(failure("[{\"op\":\"add\",\"path\":\"\",\"value\":1}]")).startsWith(
                "add operation does not apply: doc is missing path: \"\": missing value");
        assertThat(failure("[{\"op\":\"test\",\"path\":\"/list/0\",\"value\":1.0}]"))
                .startsWith("testing value /list/0 failed: test failed");
        assertThat(failure("""
                - op: add
                  path: /data/a
                  value: "1"
                - op: remove
                  path: /data/nope
                """)).isEqualTo("error in remove for path: '/data/nope': Unable to remove nonexistent key: nope:"
                + " missing value (operation 2 of the patch: remove /data/nope)");
        assertThatThrownBy(() -> patched("[{\"op\":\"frob\",\"path\":\"/data/k\",\"value\":\"w\"}]"))
                .isInstanceOf(PatchException.class).hasMessageStartingWith("Unexpected kind: frob");
    }

    @Test
    void theGivenResourceIsNotChanged() {
        MapNode resource = map(CONFIG_MAP);
        JsonPatch.parse(parse("[{\"op\":\"remove\",\"path\":\"/data/k\"}]"), "p").apply(resource);
        assertThat(resource).isEqualTo(map(CONFIG_MAP));
    }
}
