package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import dev.verity.testkit.kube.FieldValidationCases.Case;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kubernetes' field validation integration tests, transcribed: {@code TestFieldValidation} of
 * {@code test/integration/apiserver/field_validation_test.go} of kubernetes/kubernetes at commit {@value #COMMIT}, one
 * case per table case of its subtests ({@code testFieldValidationPost}, {@code ...Put}, ...). Cases that expect the
 * server to find nothing ({@code fieldValidation=Ignore}) run everywhere; cases that expect unknown or duplicate
 * fields to be reported (as errors for Strict, warnings for Warn and the default) are sandbox gaps until the sandbox
 * validates fields against the API types. Deployments go into this test's namespace rather than {@code default};
 * the custom resources are cluster-scoped, of the two CRDs the Go test sets up ({@code setupCRD}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FieldValidationContract extends ContractBase {

  static final String COMMIT = "04791b4906602ffda5ccf9bc4c84d3329f1d7080";
  static final String GAP = "unknown and duplicate field detection per fieldValidation (the API-type table)";
  static final String SCHEMA_GROUP = "schema.example.com";
  static final String SCHEMALESS_GROUP = "schemaless.example.com";
  static final String KIND = "WishIHadChosenNoxu";
  /** What Go's {@code fmt.Sprintf} writes for a {@code %s} without an argument, as the CR create bodies carry it. */
  static final String MISSING = "%!s(MISSING)";

  // ---- typed objects ------------------------------------------------------------------------------------------------

  static Stream<Case> postRunning() {
    return FieldValidationCases.POST.stream().filter(Case::expectsNothing);
  }

  static Stream<Case> postGaps() {
    return FieldValidationCases.POST.stream().filter(c -> !c.expectsNothing());
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPost}, table cases with fieldValidation=Ignore. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("postRunning")
  void fieldValidationPost(Case tc) {
    post(tc);
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPost}, table cases that expect errors or warnings. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("postGaps")
  @SandboxGap(GAP)
  void fieldValidationPostReports(Case tc) {
    post(tc);
  }

  private void post(Case tc) {
    String body = tc.body().formatted("test-deployment-" + tc.name());
    expect(tc, call("POST", apps("deployments", null) + tc.query(null), contentType(tc), body));
  }

  static Stream<Case> putRunning() {
    return FieldValidationCases.PUT.stream().filter(Case::expectsNothing);
  }

  static Stream<Case> putGaps() {
    return FieldValidationCases.PUT.stream().filter(c -> !c.expectsNothing());
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPut}, table cases with fieldValidation=Ignore. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("putRunning")
  void fieldValidationPut(Case tc) {
    put(tc);
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPut}, table cases that expect errors or warnings. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("putGaps")
  @SandboxGap(GAP)
  void fieldValidationPutReports(Case tc) {
    put(tc);
  }

  private void put(Case tc) {
    String name = "test-deployment-put";
    post(apps("deployments", null), "", FieldValidationCases.VALID_BODY_JSON.formatted(name)).ok("create initial deployment");
    expect(tc, call("PUT", apps("deployments", name) + tc.query(null), contentType(tc), tc.body().formatted(name)));
  }

  static Stream<Case> patchTypedRunning() {
    return FieldValidationCases.PATCH_TYPED.stream().filter(Case::expectsNothing);
  }

  static Stream<Case> patchTypedGaps() {
    return FieldValidationCases.PATCH_TYPED.stream().filter(c -> !c.expectsNothing());
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPatchTyped}, table cases with fieldValidation=Ignore. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("patchTypedRunning")
  void fieldValidationPatchTyped(Case tc) {
    patchTyped(tc);
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPatchTyped}, table cases that expect errors or warnings. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("patchTypedGaps")
  @SandboxGap(GAP)
  void fieldValidationPatchTypedReports(Case tc) {
    patchTyped(tc);
  }

  private void patchTyped(Case tc) {
    String name = "test-deployment-patch-typed";
    post(apps("deployments", null), "", FieldValidationCases.VALID_BODY_JSON.formatted(name)).ok("create initial deployment");
    expect(tc, patch(tc.patchType(), apps("deployments", name), tc.query(null), tc.body()));
  }

  static Stream<Case> smpRunning() {
    return FieldValidationCases.SMP.stream().filter(Case::expectsNothing);
  }

  static Stream<Case> smpGaps() {
    return FieldValidationCases.SMP.stream().filter(c -> !c.expectsNothing());
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationSMP}, table cases with fieldValidation=Ignore. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("smpRunning")
  void fieldValidationSmp(Case tc) {
    smp(tc);
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationSMP}, table cases that expect errors or warnings. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("smpGaps")
  @SandboxGap(GAP)
  void fieldValidationSmpReports(Case tc) {
    smp(tc);
  }

  private void smp(Case tc) {
    apply(apps("deployments", tc.name()), "?fieldManager=apply_test", FieldValidationCases.VALID_BODY_JSON.formatted(tc.name()))
        .ok("create object using Apply patch");
    expect(tc, patch(ContractBase.STRATEGIC, apps("deployments", tc.name()), tc.query(null), tc.body()));
  }

  static Stream<Case> applyRunning() {
    return FieldValidationCases.APPLY.stream().filter(Case::expectsNothing);
  }

  static Stream<Case> applyGaps() {
    return FieldValidationCases.APPLY.stream().filter(c -> !c.expectsNothing());
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationApplyCreate}, table case with fieldValidation=Ignore. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("applyRunning")
  void fieldValidationApplyCreate(Case tc) {
    applyCreate(tc);
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationApplyCreate}, table cases that expect errors or warnings. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("applyGaps")
  @SandboxGap(GAP)
  void fieldValidationApplyCreateReports(Case tc) {
    applyCreate(tc);
  }

  private void applyCreate(Case tc) {
    String name = "apply-create-deployment-" + tc.name();
    expect(tc, apply(apps("deployments", name), tc.query("mgr"), tc.body().formatted(name)));
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationApplyUpdate}, table case with fieldValidation=Ignore. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("applyRunning")
  void fieldValidationApplyUpdate(Case tc) {
    applyUpdate(tc);
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationApplyUpdate}, table cases that expect errors or warnings. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("applyGaps")
  @SandboxGap(GAP)
  void fieldValidationApplyUpdateReports(Case tc) {
    applyUpdate(tc);
  }

  private void applyUpdate(Case tc) {
    String name = "apply-update-deployment-" + tc.name();
    Reply created = apply(apps("deployments", name), tc.query("mgr"), FieldValidationCases.VALID_BODY_JSON.formatted(name));
    assertThat(created.ok()).as("unexpected apply create err: %s", created).isTrue();
    expect(tc, apply(apps("deployments", name), tc.query("mgr"), tc.body().formatted(name)));
  }

  // ---- custom resources -----------------------------------------------------------------------------------------------

  static Stream<Case> crdPostRunning() {
    return crdCases(FieldValidationCases.crdWrite("crd-post-", false), true);
  }

  static Stream<Case> crdPostGaps() {
    return crdCases(FieldValidationCases.crdWrite("crd-post-", false), false);
  }

  static Stream<Case> schemalessPostRunning() {
    return crdCases(FieldValidationCases.crdWrite("crd-post-", true), true);
  }

  static Stream<Case> schemalessPostGaps() {
    return crdCases(FieldValidationCases.crdWrite("crd-post-", true), false);
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPostCRD}, table cases with fieldValidation=Ignore. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("crdPostRunning")
  void fieldValidationPostCrd(Case tc) {
    postCrd(tc, SCHEMA_GROUP);
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPostCRD}, table cases that expect errors or warnings. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("crdPostGaps")
  @SandboxGap(GAP + " and structural-schema pruning of custom resources")
  void fieldValidationPostCrdReports(Case tc) {
    postCrd(tc, SCHEMA_GROUP);
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPostCRDSchemaless}, table cases with fieldValidation=Ignore. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("schemalessPostRunning")
  void fieldValidationPostCrdSchemaless(Case tc) {
    postCrd(tc, SCHEMALESS_GROUP);
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPostCRDSchemaless}, table cases that expect errors or warnings. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("schemalessPostGaps")
  @SandboxGap(GAP + " and structural-schema pruning of custom resources")
  void fieldValidationPostCrdSchemalessReports(Case tc) {
    postCrd(tc, SCHEMALESS_GROUP);
  }

  private void postCrd(Case tc, String group) {
    String collection = crd(group);
    String body = tc.body().formatted(group + "/v1beta1", KIND, tc.name(), MISSING);
    deleteAfterwards(collection + "/" + tc.name());
    expect(tc, call("POST", collection + tc.query(null), contentType(tc), body));
  }

  static Stream<Case> crdPutRunning() {
    return crdCases(FieldValidationCases.crdWrite("crd-put-", false), true);
  }

  static Stream<Case> crdPutGaps() {
    return crdCases(FieldValidationCases.crdWrite("crd-put-", false), false);
  }

  static Stream<Case> schemalessPutRunning() {
    return crdCases(FieldValidationCases.crdWrite("crd-put-", true), true);
  }

  static Stream<Case> schemalessPutGaps() {
    return crdCases(FieldValidationCases.crdWrite("crd-put-", true), false);
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPutCRD}, table cases with fieldValidation=Ignore. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("crdPutRunning")
  void fieldValidationPutCrd(Case tc) {
    putCrd(tc, SCHEMA_GROUP);
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPutCRD}, table cases that expect errors or warnings. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("crdPutGaps")
  @SandboxGap(GAP + " and structural-schema pruning of custom resources")
  void fieldValidationPutCrdReports(Case tc) {
    putCrd(tc, SCHEMA_GROUP);
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPutCRDSchemaless}, table cases with fieldValidation=Ignore. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("schemalessPutRunning")
  void fieldValidationPutCrdSchemaless(Case tc) {
    putCrd(tc, SCHEMALESS_GROUP);
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPutCRDSchemaless}, table cases that expect errors or warnings. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("schemalessPutGaps")
  @SandboxGap(GAP + " and structural-schema pruning of custom resources")
  void fieldValidationPutCrdSchemalessReports(Case tc) {
    putCrd(tc, SCHEMALESS_GROUP);
  }

  private void putCrd(Case tc, String group) {
    String collection = crd(group);
    String apiVersion = group + "/v1beta1";
    deleteAfterwards(collection + "/" + tc.name());
    JsonNode created = post(collection, tc.query(null), FieldValidationCases.CRD_VALID_BODY.formatted(apiVersion, KIND, tc.name()))
        .ok("CR creation");
    String body = tc.body().formatted(apiVersion, KIND, tc.name(), created.path("metadata").path("resourceVersion").asText());
    expect(tc, call("PUT", collection + "/" + tc.name() + tc.query(null), contentType(tc), body));
  }

  static Stream<Case> crdPatchRunning() {
    return crdCases(FieldValidationCases.crdPatch(false), true);
  }

  static Stream<Case> crdPatchGaps() {
    return crdCases(FieldValidationCases.crdPatch(false), false);
  }

  static Stream<Case> schemalessPatchRunning() {
    return crdCases(FieldValidationCases.crdPatch(true), true);
  }

  static Stream<Case> schemalessPatchGaps() {
    return crdCases(FieldValidationCases.crdPatch(true), false);
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPatchCRD}, table cases with fieldValidation=Ignore. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("crdPatchRunning")
  void fieldValidationPatchCrd(Case tc) {
    patchCrd(tc, SCHEMA_GROUP);
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPatchCRD}, table cases that expect errors or warnings. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("crdPatchGaps")
  @SandboxGap(GAP + " and structural-schema pruning of custom resources")
  void fieldValidationPatchCrdReports(Case tc) {
    patchCrd(tc, SCHEMA_GROUP);
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPatchCRDSchemaless}, table cases with fieldValidation=Ignore. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("schemalessPatchRunning")
  void fieldValidationPatchCrdSchemaless(Case tc) {
    patchCrd(tc, SCHEMALESS_GROUP);
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPatchCRDSchemaless}, table cases that expect errors or warnings. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("schemalessPatchGaps")
  @SandboxGap(GAP + " and structural-schema pruning of custom resources")
  void fieldValidationPatchCrdSchemalessReports(Case tc) {
    patchCrd(tc, SCHEMALESS_GROUP);
  }

  private void patchCrd(Case tc, String group) {
    String collection = crd(group);
    String path = collection + "/" + tc.name();
    apply(path, "?fieldManager=apply_test", FieldValidationCases.PATCH_YAML_BODY.formatted(group + "/v1beta1", KIND, tc.name()))
        .ok("create custom resource with apply");
    try {
      expect(tc, patch(tc.patchType(), path, tc.query(null), tc.body()));
    } finally {
      // the CR carries the Go test's finalizer: clear it so that the CR (and later its CRD) can go
      patch(MERGE, path, "", "{\"metadata\":{\"finalizers\":null}}");
      call("DELETE", path, JSON, "");
    }
  }

  static Stream<Case> crdApplyRunning() {
    return crdCases(FieldValidationCases.crdApply(false), true);
  }

  static Stream<Case> crdApplyGaps() {
    return crdCases(FieldValidationCases.crdApply(false), false);
  }

  static Stream<Case> schemalessApplyRunning() {
    return crdCases(FieldValidationCases.crdApply(true), true);
  }

  static Stream<Case> schemalessApplyGaps() {
    return crdCases(FieldValidationCases.crdApply(true), false);
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationApplyCreateCRD}, table case with fieldValidation=Ignore. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("crdApplyRunning")
  void fieldValidationApplyCreateCrd(Case tc) {
    applyCreateCrd(tc, SCHEMA_GROUP, "apply-create-crd-");
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationApplyCreateCRD}, table cases that expect errors or warnings. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("crdApplyGaps")
  @SandboxGap(GAP)
  void fieldValidationApplyCreateCrdReports(Case tc) {
    applyCreateCrd(tc, SCHEMA_GROUP, "apply-create-crd-");
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationApplyCreateCRDSchemaless}, table case with fieldValidation=Ignore. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("schemalessApplyRunning")
  void fieldValidationApplyCreateCrdSchemaless(Case tc) {
    applyCreateCrd(tc, SCHEMALESS_GROUP, "apply-create-crd-schemaless-");
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationApplyCreateCRDSchemaless}, table cases that expect errors or warnings. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("schemalessApplyGaps")
  @SandboxGap(GAP)
  void fieldValidationApplyCreateCrdSchemalessReports(Case tc) {
    applyCreateCrd(tc, SCHEMALESS_GROUP, "apply-create-crd-schemaless-");
  }

  private void applyCreateCrd(Case tc, String group, String prefix) {
    String collection = crd(group);
    String name = prefix + tc.name();
    deleteAfterwards(collection + "/" + name);
    expect(tc, apply(collection + "/" + name, tc.query("mgr"), tc.body().formatted(group + "/v1beta1", KIND, name)));
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationApplyUpdateCRD}, table case with fieldValidation=Ignore. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("crdApplyRunning")
  void fieldValidationApplyUpdateCrd(Case tc) {
    applyUpdateCrd(tc, SCHEMA_GROUP, "apply-update-crd-");
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationApplyUpdateCRD}, table cases that expect errors or warnings. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("crdApplyGaps")
  @SandboxGap(GAP)
  void fieldValidationApplyUpdateCrdReports(Case tc) {
    applyUpdateCrd(tc, SCHEMA_GROUP, "apply-update-crd-");
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationApplyUpdateCRDSchemaless}, table case with fieldValidation=Ignore. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("schemalessApplyRunning")
  void fieldValidationApplyUpdateCrdSchemaless(Case tc) {
    applyUpdateCrd(tc, SCHEMALESS_GROUP, "apply-update-crd-schemaless-");
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationApplyUpdateCRDSchemaless}, table cases that expect errors or warnings. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("schemalessApplyGaps")
  @SandboxGap(GAP)
  void fieldValidationApplyUpdateCrdSchemalessReports(Case tc) {
    applyUpdateCrd(tc, SCHEMALESS_GROUP, "apply-update-crd-schemaless-");
  }

  private void applyUpdateCrd(Case tc, String group, String prefix) {
    String collection = crd(group);
    String name = prefix + tc.name();
    String apiVersion = group + "/v1beta1";
    deleteAfterwards(collection + "/" + name);
    Reply created = apply(collection + "/" + name, tc.query("mgr"),
        FieldValidationCases.CRD_APPLY_VALID_BODY.formatted(apiVersion, KIND, name));
    assertThat(created.ok()).as("unexpected apply create err: %s", created).isTrue();
    expect(tc, apply(collection + "/" + name, tc.query("mgr"), tc.body().formatted(apiVersion, KIND, name)));
  }

  // ---- helpers ------------------------------------------------------------------------------------------------------

  private static Stream<Case> crdCases(List<Case> cases, boolean running) {
    return cases.stream().filter(c -> c.expectsNothing() == running);
  }

  /** As the Go assertions: an error exactly when errors are expected, containing each; exactly the expected warnings. */
  static void expect(Case tc, Reply reply) {
    if (tc.errors().isEmpty()) {
      assertThat(reply.ok()).as("unexpected request err: %s", reply).isTrue();
    } else {
      assertThat(reply.ok()).as("unexpected success: %s", reply).isFalse();
      for (String error : tc.errors()) {
        assertThat(reply.message()).as("missing strict decoding error in %s", reply).contains(error);
      }
    }
    assertThat(reply.warnings()).as("warnings of %s", reply).containsExactlyElementsOf(tc.warnings());
  }

  private static String contentType(Case tc) {
    return tc.contentType().isEmpty() ? JSON : tc.contentType();
  }

  /**
   * {@code setupCRD}: the noxu CRD of the apiextensions test fixtures (cluster-scoped, version v1beta1) in
   * {@code group}, with the Go test's schema (preserving unknown fields in spec for the schemaless one), created once
   * and waited for until its resource is served, as {@code CreateNewV1CustomResourceDefinition} waits. Answers the
   * collection path of its custom resources.
   */
  String crd(String group) {
    String collection = "/apis/" + group + "/v1beta1/noxus";
    if (get(collection).code() == 200) {
      return collection;
    }
    String schema = FieldValidationCases.CRD_SCHEMA_BASE.formatted(
        group.equals(SCHEMALESS_GROUP) ? "\"x-kubernetes-preserve-unknown-fields\": true," : "");
    String crd = """
        {"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
         "metadata": {"name": "noxus.%s"},
         "spec": {"group": "%s", "scope": "Cluster",
                  "versions": [{"name": "v1beta1", "served": true, "storage": true, "schema": %s}],
                  "names": {"plural": "noxus", "singular": "nonenglishnoxu", "kind": "%s", "listKind": "NoxuItemList",
                            "shortNames": ["foo", "bar", "abc", "def"], "categories": ["all"]}}}""".formatted(group, group, schema, KIND);
    Reply created = post("/apis/apiextensions.k8s.io/v1/customresourcedefinitions", "", crd);
    assertThat(created.ok() || created.code() == 409).as("create CRD: %s", created).isTrue();
    await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
        .until(() -> get(collection).code() == 200);
    return collection;
  }

  @AfterAll
  void deleteCrds() {
    for (String group : List.of(SCHEMA_GROUP, SCHEMALESS_GROUP)) {
      call("DELETE", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/noxus." + group, JSON, "");
    }
  }
}
