package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import dev.verity.testkit.kube.FieldValidationCases.Case;
import dev.verity.testkit.kube.FieldValidationCases.FinalizerCase;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Kubernetes' field validation integration tests, transcribed: {@code TestFieldValidation} of
 * {@code test/integration/apiserver/field_validation_test.go} of kubernetes/kubernetes at commit {@value #COMMIT}, one
 * parameterized test per subtest function and one invocation per table case ({@link FieldValidationCases}). Each case
 * sends the Go test's requests and asserts what the Go test asserts: an error exactly when one is expected, whose
 * message ends with the expected strict decoding error ({@code strings.HasSuffix}), and exactly the expected warnings,
 * in order.
 *
 * <p>Departures (see {@code kube-contract/INDEX.md}): the Deployments go into this test's own namespace rather than
 * {@code default}, and each case creates the object its subtest creates once before its table (the Put and
 * PatchTyped deployments), since every case has a namespace of its own; custom resources are cluster-scoped, of the
 * two CRDs {@code setupCRD} creates, and are deleted after each case (the patch and finalizer cases first clear the
 * finalizers their bodies set, so that the CRDs can go at the end).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class FieldValidationContract extends ContractBase {

  static final String COMMIT = "6f137b77b15db02ba928582345afbcfe1faa9bd1";
  static final String SCHEMA_GROUP = "schema.example.com";
  static final String SCHEMALESS_GROUP = "schemaless.example.com";
  static final String KIND = "WishIHadChosenNoxu";
  /** What Go's {@code fmt.Sprintf} writes for a {@code %s} without an argument, as some CR bodies are formatted. */
  static final String MISSING = "%!s(MISSING)";

  // ---- typed objects ------------------------------------------------------------------------------------------------

  static Stream<Case> post() {
    return FieldValidationCases.typedWrite("post-").stream();
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPost}: POST a Deployment, per table case. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("post")
  void fieldValidationPost(Case tc) {
    String body = tc.body().formatted("test-deployment-" + tc.name());
    expect(tc, call("POST", apps("deployments", null) + tc.query(null), contentType(tc), body));
  }

  static Stream<Case> put() {
    return FieldValidationCases.typedWrite("put-").stream();
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPut}: PUT over a created Deployment. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("put")
  void fieldValidationPut(Case tc) {
    String name = "test-deployment-put";
    post(apps("deployments", null), "", FieldValidationCases.VALID_BODY_JSON.formatted(name)).ok("create initial deployment");
    expect(tc, call("PUT", apps("deployments", name) + tc.query(null), contentType(tc), tc.body().formatted(name)));
  }

  static Stream<Case> patchTyped() {
    return FieldValidationCases.PATCH_TYPED.stream();
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPatchTyped}: merge and JSON patches. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("patchTyped")
  void fieldValidationPatchTyped(Case tc) {
    String name = "test-deployment-patch-typed";
    post(apps("deployments", null), "", FieldValidationCases.VALID_BODY_JSON.formatted(name)).ok("create initial deployment");
    expect(tc, patch(tc.patchType(), apps("deployments", name), tc.query(null), tc.body()));
  }

  static Stream<Case> smp() {
    return FieldValidationCases.SMP.stream();
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationSMP}: apply-create, then a strategic merge patch. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("smp")
  void fieldValidationSmp(Case tc) {
    apply(apps("deployments", tc.name()), "?fieldManager=apply_test", FieldValidationCases.VALID_BODY_JSON.formatted(tc.name()))
        .ok("create object using Apply patch");
    expect(tc, patch(STRATEGIC, apps("deployments", tc.name()), tc.query(null), tc.body()));
  }

  static Stream<Case> apply() {
    return FieldValidationCases.APPLY.stream();
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationApplyCreate}: an apply that creates. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("apply")
  void fieldValidationApplyCreate(Case tc) {
    String name = "apply-create-deployment-" + tc.name();
    expect(tc, apply(apps("deployments", name), tc.query("mgr"), tc.body().formatted(name)));
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationApplyUpdate}: an apply over an applied object. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("apply")
  void fieldValidationApplyUpdate(Case tc) {
    String name = "apply-update-deployment-" + tc.name();
    Reply created = apply(apps("deployments", name), tc.query("mgr"), FieldValidationCases.VALID_BODY_JSON.formatted(name));
    assertThat(created.ok()).as("unexpected apply create err: %s", created).isTrue();
    expect(tc, apply(apps("deployments", name), tc.query("mgr"), tc.body().formatted(name)));
  }

  // ---- custom resources -----------------------------------------------------------------------------------------------

  static Stream<Case> postCrd() {
    return FieldValidationCases.crdWrite("crd-post-", false).stream();
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPostCRD}: POST a CR of the schema CRD. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("postCrd")
  void fieldValidationPostCrd(Case tc) {
    postCrd(tc, SCHEMA_GROUP);
  }

  static Stream<Case> postCrdSchemaless() {
    return FieldValidationCases.crdWrite("schemaless-crd-post-", true).stream();
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPostCRDSchemaless}: the same, schemaless CRD. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("postCrdSchemaless")
  void fieldValidationPostCrdSchemaless(Case tc) {
    postCrd(tc, SCHEMALESS_GROUP);
  }

  private void postCrd(Case tc, String group) {
    String collection = crd(group);
    String body = tc.body().formatted(group + "/v1beta1", KIND, tc.name(), MISSING);
    deleteAfterwards(collection + "/" + tc.name());
    expect(tc, call("POST", collection + tc.query(null), contentType(tc), body));
  }

  static Stream<Case> putCrd() {
    return FieldValidationCases.crdWrite("crd-put-", false).stream();
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPutCRD}: create a CR, PUT over it. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("putCrd")
  void fieldValidationPutCrd(Case tc) {
    putCrd(tc, SCHEMA_GROUP);
  }

  static Stream<Case> putCrdSchemaless() {
    return FieldValidationCases.crdWrite("schemaless-crd-put-", true).stream();
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPutCRDSchemaless}: the same, schemaless CRD. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("putCrdSchemaless")
  void fieldValidationPutCrdSchemaless(Case tc) {
    putCrd(tc, SCHEMALESS_GROUP);
  }

  private void putCrd(Case tc, String group) {
    String collection = crd(group);
    String apiVersion = group + "/v1beta1";
    deleteAfterwards(collection + "/" + tc.name());
    JsonNode created = post(collection, tc.query(null),
        FieldValidationCases.CRD_VALID_BODY.formatted(apiVersion, KIND, tc.name(), MISSING)).ok("CR creation");
    String body = tc.body().formatted(apiVersion, KIND, tc.name(), created.path("metadata").path("resourceVersion").asText());
    expect(tc, call("PUT", collection + "/" + tc.name() + tc.query(null), contentType(tc), body));
  }

  static Stream<Case> patchCrd() {
    return FieldValidationCases.crdPatch(false).stream();
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPatchCRD}: apply-create a CR, then patch it. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("patchCrd")
  void fieldValidationPatchCrd(Case tc) {
    patchCrd(tc, SCHEMA_GROUP, FieldValidationCases.PATCH_CRD_YAML_BODY);
  }

  static Stream<Case> patchCrdSchemaless() {
    return FieldValidationCases.crdPatch(true).stream();
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationPatchCRDSchemaless}: the same, schemaless CRD. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("patchCrdSchemaless")
  void fieldValidationPatchCrdSchemaless(Case tc) {
    patchCrd(tc, SCHEMALESS_GROUP, FieldValidationCases.PATCH_YAML_BODY);
  }

  private void patchCrd(Case tc, String group, String createBody) {
    String path = crd(group) + "/" + tc.name();
    try {
      apply(path, "?fieldManager=apply_test", createBody.formatted(group + "/v1beta1", KIND, tc.name()))
          .ok("failed to create custom resource with apply");
      expect(tc, patch(tc.patchType(), path, tc.query(null), tc.body()));
    } finally {
      deleteHeld(path);
    }
  }

  static Stream<Case> applyCrd() {
    return FieldValidationCases.crdApply(false).stream();
  }

  static Stream<Case> applyCrdSchemaless() {
    return FieldValidationCases.crdApply(true).stream();
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationApplyCreateCRD}: an apply that creates a CR. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("applyCrd")
  void fieldValidationApplyCreateCrd(Case tc) {
    applyCreateCrd(tc, SCHEMA_GROUP, "apply-create-crd-");
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationApplyCreateCRDSchemaless}: the same, schemaless CRD. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("applyCrdSchemaless")
  void fieldValidationApplyCreateCrdSchemaless(Case tc) {
    applyCreateCrd(tc, SCHEMALESS_GROUP, "apply-create-crd-schemaless-");
  }

  private void applyCreateCrd(Case tc, String group, String prefix) {
    String collection = crd(group);
    String name = prefix + tc.name();
    deleteAfterwards(collection + "/" + name);
    expect(tc, apply(collection + "/" + name, tc.query("mgr"), tc.body().formatted(group + "/v1beta1", KIND, name)));
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationApplyUpdateCRD}: an apply over an applied CR. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("applyCrd")
  void fieldValidationApplyUpdateCrd(Case tc) {
    applyUpdateCrd(tc, SCHEMA_GROUP, "apply-update-crd-");
  }

  /** field_validation_test.go at {@value #COMMIT}, {@code testFieldValidationApplyUpdateCRDSchemaless}: the same, schemaless CRD. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("applyCrdSchemaless")
  void fieldValidationApplyUpdateCrdSchemaless(Case tc) {
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

  static Stream<FinalizerCase> finalizers() {
    return FieldValidationCases.FINALIZERS.stream();
  }

  /**
   * field_validation_test.go at {@value #COMMIT}, {@code testFinalizerValidationApplyCreateAndUpdateCRD} (run on the
   * schemaless CRD): apply a CR with the case's finalizers, then, when the case has them, with its updated finalizers;
   * each apply succeeds with exactly the expected warnings.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("finalizers")
  void finalizerValidationApplyCreateAndUpdateCrd(FinalizerCase tc) {
    String path = crd(SCHEMALESS_GROUP) + "/apply-create-crd-" + tc.name();
    String apiVersion = SCHEMALESS_GROUP + "/v1beta1";
    String name = "apply-create-crd-" + tc.name();
    try {
      Reply created = apply(path, "?fieldManager=apply_test",
          FieldValidationCases.CRD_APPLY_FINALIZER_BODY.formatted(apiVersion, KIND, name, goJson(tc.finalizer())));
      assertThat(created.ok()).as("unexpected error: %s", created).isTrue();
      assertThat(created.warnings()).as("warnings of %s", created).containsExactlyElementsOf(tc.createWarnings());
      if (!tc.updatedFinalizer().isEmpty()) {
        Reply updated = apply(path, "?fieldManager=apply_test",
            FieldValidationCases.CRD_APPLY_FINALIZER_BODY.formatted(apiVersion, KIND, name, goJson(tc.updatedFinalizer())));
        assertThat(updated.ok()).as("unexpected error: %s", updated).isTrue();
        assertThat(updated.warnings()).as("warnings of %s", updated).containsExactlyElementsOf(tc.updateWarnings());
      }
    } finally {
      deleteHeld(path);
    }
  }

  // ---- helpers ------------------------------------------------------------------------------------------------------

  /**
   * As each Go case asserts: no error when none is expected; else an error whose message ends with the expected one
   * ({@code strings.HasSuffix}); and exactly the expected warnings, in order.
   */
  static void expect(Case tc, Reply reply) {
    if (tc.error().isEmpty()) {
      assertThat(reply.ok()).as("unexpected request err: %s", reply).isTrue();
    } else {
      assertThat(reply.ok()).as("received nil error when expecting: %s", tc.error()).isFalse();
      assertThat(reply.message()).as("error of %s", reply).endsWith(tc.error());
    }
    assertThat(reply.warnings()).as("warnings of %s", reply).containsExactlyElementsOf(tc.warnings());
  }

  private static String contentType(Case tc) {
    return tc.contentType().isEmpty() ? JSON : tc.contentType();
  }

  /** Go's {@code json.Marshal} of a string slice (plain names: no escaping needed). */
  private static String goJson(List<String> names) {
    return names.stream().map(n -> "\"" + n + "\"").collect(Collectors.joining(",", "[", "]"));
  }

  /** Clears the finalizers a case's CR may carry, then deletes it (the Go test leaves them to its throwaway server). */
  private void deleteHeld(String path) {
    patch(MERGE, path, "", "{\"metadata\":{\"finalizers\":null}}");
    call("DELETE", path, JSON, "");
  }

  /**
   * {@code setupCRD}: the noxu CRD of the apiextensions test fixtures ({@code NewNoxuV1CustomResourceDefinition},
   * cluster-scoped, version v1beta1) in {@code group}, with the Go test's schema (preserving unknown fields in
   * {@code spec} for the schemaless one), created once and waited for until its resource is served, as
   * {@code CreateNewV1CustomResourceDefinition} waits. Answers the collection path of its custom resources.
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
