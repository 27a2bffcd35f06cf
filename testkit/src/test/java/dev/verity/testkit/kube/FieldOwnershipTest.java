package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import dev.verity.testkit.kube.FieldSchema.Scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Server-side apply and update ownership on plain JSON trees, without HTTP. */
class FieldOwnershipTest {

  private static final ObjectSchema DEPLOYMENT = ObjectSchema.builtin("apps/v1", "Deployment");
  private static final ObjectSchema CONFIG_MAP = ObjectSchema.builtin("v1", "ConfigMap");
  private static final ObjectSchema DAEMON_SET = ObjectSchema.builtin("apps/v1", "DaemonSet");

  private static ObjectNode yaml(String yaml) {
    return Json.parseObject(yaml, true);
  }

  private static final String BASE = """
      apiVersion: apps/v1
      kind: Deployment
      metadata:
        name: web
      spec:
        replicas: 2
        template:
          spec:
            containers:
            - name: web
              image: nginx
              args: ["a", "b"]
              env:
              - {name: A, value: "1"}
              ports:
              - {containerPort: 80, protocol: TCP}
      """;

  @Test
  void fieldsV1UsesTheRealKeyFormat() {
    FieldSet fields = FieldSchema.fieldsOf(FieldSchema.scoped(yaml(BASE), Scope.MAIN), DEPLOYMENT);

    assertThat(Json.write(fields.toFieldsV1())).isEqualTo("{\"f:spec\":{\"f:replicas\":{},\"f:template\":{\"f:spec\":"
        + "{\"f:containers\":{\"k:{\\\"name\\\":\\\"web\\\"}\":{\".\":{},\"f:args\":{},\"f:env\":{\"k:{\\\"name\\\":\\\"A\\\"}\":"
        + "{\".\":{},\"f:name\":{},\"f:value\":{}}},\"f:image\":{},\"f:name\":{},\"f:ports\":"
        + "{\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},\"f:containerPort\":{},\"f:protocol\":{}}}}}}}}}");
    assertThat(FieldSet.fromFieldsV1(fields.toFieldsV1())).isEqualTo(fields);
  }

  @Test
  void applyMergesKeyedListsItemByItemAndReplacesAtomicLists() {
    ObjectNode live = FieldOwnership.apply(yaml("{}"), yaml(BASE), DEPLOYMENT, "apps/v1", "a", false, Scope.MAIN, null).object();
    ObjectNode other = yaml("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          template:
            spec:
              containers:
              - name: web
                args: ["c"]
                env:
                - {name: B, value: "2"}
                ports:
                - {containerPort: 80, protocol: UDP}
        """);

    ObjectNode merged = FieldOwnership.apply(live, other, DEPLOYMENT, "apps/v1", "b", true, Scope.MAIN, null).object();

    var container = merged.path("spec").path("template").path("spec").path("containers").get(0);
    assertThat(container.path("args").toString()).isEqualTo("[\"c\"]");
    assertThat(container.path("env").findValuesAsText("name")).containsExactly("A", "B");
    assertThat(container.path("ports").findValuesAsText("protocol")).containsExactly("TCP", "UDP");
  }

  @Test
  void aConflictNamesEveryManagerAndFieldLikeTheApiServer() {
    FieldOwnership.Result first = FieldOwnership.apply(yaml("{}"), yaml(BASE), DEPLOYMENT, "apps/v1", "verity", false,
        Scope.MAIN, null);
    ObjectNode live = first.object();
    ManagedEntry.writeAll(live, first.managed());

    ApiException conflict = catchThrowableOfType(ApiException.class, () -> FieldOwnership.apply(live, yaml("""
        apiVersion: apps/v1
        kind: Deployment
        spec:
          replicas: 3
          template:
            spec:
              containers:
              - name: web
                image: httpd
        """), DEPLOYMENT, "apps/v1", "ops", false, Scope.MAIN, null));

    assertThat(conflict.code()).isEqualTo(409);
    assertThat(conflict.getMessage()).isEqualTo("""
        Apply failed with 2 conflicts: conflicts with "verity":
        - .spec.replicas
        - .spec.template.spec.containers[name="web"].image""");
    assertThat(conflict.causes()).extracting(ApiException.Cause::field)
        .containsExactly(".spec.replicas", ".spec.template.spec.containers[name=\"web\"].image");
  }

  @Test
  void aListItemNoLongerAppliedIsRemovedWholeUnlessAnotherManagerOwnsPartOfIt() {
    String two = BASE.replace("      - name: web\n", "      - name: sidecar\n        image: envoy\n      - name: web\n");
    FieldOwnership.Result first = FieldOwnership.apply(yaml("{}"), yaml(two), DEPLOYMENT, "apps/v1", "verity", false,
        Scope.MAIN, null);
    ObjectNode live = first.object();
    ManagedEntry.writeAll(live, first.managed());
    assertThat(containerNames(live))
        .containsExactly("sidecar", "web");

    ObjectNode dropped = FieldOwnership.apply(live, yaml(BASE), DEPLOYMENT, "apps/v1", "verity", false, Scope.MAIN, null).object();
    assertThat(containerNames(dropped))
        .containsExactly("web");

    FieldOwnership.Result shared = FieldOwnership.apply(live, yaml("""
        apiVersion: apps/v1
        kind: Deployment
        spec:
          template:
            spec:
              containers:
              - name: sidecar
                image: envoy
        """), DEPLOYMENT, "apps/v1", "injector", false, Scope.MAIN, null);
    ObjectNode sharedLive = shared.object();
    ManagedEntry.writeAll(sharedLive, shared.managed());
    ObjectNode kept = FieldOwnership.apply(sharedLive, yaml(BASE), DEPLOYMENT, "apps/v1", "verity", false, Scope.MAIN, null)
        .object();
    var containers = kept.path("spec").path("template").path("spec").path("containers");
    assertThat(containerNames(kept)).containsExactly("sidecar", "web");
    assertThat(containers.get(0).path("image").asText()).isEqualTo("envoy");
  }

  private static List<String> containerNames(ObjectNode deployment) {
    List<String> names = new java.util.ArrayList<>();
    deployment.path("spec").path("template").path("spec").path("containers").forEach(c -> names.add(c.path("name").asText()));
    return names;
  }

  @Test
  void anUpdateTakesTheChangedFieldsFromOtherManagersAndDropsRemovedOnes() {
    ObjectNode before = yaml("{\"data\":{\"a\":\"1\",\"b\":\"2\"}}");
    FieldSet owned = FieldSchema.fieldsOf(before, CONFIG_MAP);
    List<ManagedEntry> entries = List.of(new ManagedEntry("verity", "Apply", "v1", "t", null, owned));
    ObjectNode after = yaml("{\"data\":{\"a\":\"changed\",\"c\":\"3\"}}");

    List<ManagedEntry> result = FieldOwnership.update(entries, before, after, CONFIG_MAP, "v1", "kubectl-edit", Scope.MAIN, null);

    assertThat(result).hasSize(2);
    assertThat(result.get(0).fields().paths()).isEmpty();
    assertThat(result.get(1).manager()).isEqualTo("kubectl-edit");
    assertThat(result.get(1).operation()).isEqualTo("Update");
    assertThat(result.get(1).fields().paths()).containsExactly(List.of("f:data", "f:a"), List.of("f:data", "f:c"));
  }

  private static final String DUPLICATES = """
      apiVersion: apps/v1
      kind: DaemonSet
      metadata: {name: ds}
      spec:
        template:
          spec:
            containers:
            - name: nginx
              env:
              - {name: ENV0, value: /env0value}
              - {name: PATH, value: /bin}
              - {name: PATH, value: "$PATH:/usr/bin"}
      """;

  /**
   * An Update owns the maps and lists it adds, besides their fields (the {@code "."} of fieldsV1); on create it is
   * compared with the Go zero value, in which non-pointer structs and non-omitempty lists are already there.
   */
  @Test
  void anUpdateOwnsTheMapsAndListsItAdds() {
    ObjectNode created = yaml("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web, labels: {app: web}}
        spec:
          strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}
          template:
            spec:
              containers:
              - {name: web, image: nginx, env: [{name: A, value: "1"}]}
        """);
    ObjectNode fields = FieldOwnership.update(List.of(), null, created, DEPLOYMENT, "apps/v1", "create", Scope.MAIN, null)
        .get(0).fields().toFieldsV1();
    assertThat(fields.path("f:metadata").path("f:labels").has(".")).as("labels (omitempty map) %s", fields).isTrue();
    assertThat(fields.path("f:spec").has(".")).as("spec (struct) %s", fields).isFalse();
    assertThat(fields.path("f:spec").path("f:strategy").has(".")).as("strategy (struct) %s", fields).isFalse();
    assertThat(fields.path("f:spec").path("f:strategy").path("f:rollingUpdate").has(".")).as("rollingUpdate (pointer) %s", fields).isTrue();
    JsonNode containers = fields.path("f:spec").path("f:template").path("f:spec").path("f:containers");
    assertThat(containers.has(".")).as("containers (written as null when zero) %s", fields).isFalse();
    assertThat(containers.path("k:{\"name\":\"web\"}").path("f:env").has(".")).as("env of a new container %s", fields).isTrue();

    // a later update that adds annotations owns the map; one that removes it takes it from its owner
    ObjectNode annotated = created.deepCopy();
    ((ObjectNode) annotated.get("metadata")).putObject("annotations").put("a", "b");
    List<ManagedEntry> entries = FieldOwnership.update(List.of(), null, created, DEPLOYMENT, "apps/v1", "create", Scope.MAIN, null);
    entries = FieldOwnership.update(entries, created, annotated, DEPLOYMENT, "apps/v1", "edit", Scope.MAIN, null);
    ManagedEntry edit = entries.stream().filter(e -> e.manager().equals("edit")).findFirst().orElseThrow();
    assertThat(edit.fields().contains(List.of("f:metadata", "f:annotations"))).isTrue();
    entries = FieldOwnership.update(entries, annotated, created, DEPLOYMENT, "apps/v1", "strip", Scope.MAIN, null);
    assertThat(entries.stream().anyMatch(e -> e.fields().contains(List.of("f:metadata", "f:annotations")))).isFalse();
  }

  @Test
  void duplicateKeysWrittenByAnUpdateAreOwnedByKeyOnly() {
    ObjectNode created = yaml(DUPLICATES);
    List<ManagedEntry> entries = FieldOwnership.update(List.of(), null, created, DAEMON_SET, "apps/v1", "create", Scope.MAIN, null);

    assertThat(Json.write(entries.get(0).fields().toFieldsV1())).contains(
        "\"f:env\":{\".\":{},\"k:{\\\"name\\\":\\\"ENV0\\\"}\":{\".\":{},\"f:name\":{},\"f:value\":{}},"
            + "\"k:{\\\"name\\\":\\\"PATH\\\"}\":{}}");
  }

  @Test
  void aForcedApplyReplacesDuplicatesWithItsOneItem() {
    ObjectNode live = yaml(DUPLICATES);
    ManagedEntry.writeAll(live, FieldOwnership.update(List.of(), null, live, DAEMON_SET, "apps/v1", "create", Scope.MAIN, null));
    ObjectNode applied = yaml("""
        apiVersion: apps/v1
        kind: DaemonSet
        metadata: {name: ds}
        spec:
          template:
            spec:
              containers:
              - name: nginx
                env:
                - {name: PATH, value: /bin:/usr/bin}
        """);

    ApiException conflict = catchThrowableOfType(ApiException.class,
        () -> FieldOwnership.apply(live, applied, DAEMON_SET, "apps/v1", "apply", false, Scope.MAIN, null));
    assertThat(conflict.code()).isEqualTo(409);
    assertThat(conflict.getMessage()).contains("[name=\"PATH\"]");

    ObjectNode result = FieldOwnership.apply(live, applied, DAEMON_SET, "apps/v1", "apply", true, Scope.MAIN, null).object();
    assertThat(Json.write(result.path("spec").path("template").path("spec").path("containers").path(0).path("env")))
        .isEqualTo("[{\"name\":\"ENV0\",\"value\":\"/env0value\"},{\"name\":\"PATH\",\"value\":\"/bin:/usr/bin\"}]");
  }

  @Test
  void anApplyConfigurationWithDuplicateKeysIsNamedKeyByKey() {
    assertThat(FieldSchema.duplicateKeys(FieldSchema.scoped(yaml(DUPLICATES), Scope.MAIN), DAEMON_SET))
        .containsExactly(".spec.template.spec.containers[name=\"nginx\"].env: duplicate entries for key [name=\"PATH\"]");
  }

  @Test
  void theApplierOwnsNoDefaultedKeyField() {
    ObjectNode applied = yaml("""
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: web}
        spec:
          template:
            spec:
              containers:
              - name: web
                ports:
                - {name: http, containerPort: 80}
        """);
    FieldOwnership.Result result = FieldOwnership.apply(yaml("{}"), applied, DEPLOYMENT, "apps/v1", "a", false, Scope.MAIN, null);

    assertThat(result.managed().get(0).fields().toString())
        .contains(".spec.template.spec.containers[name=\"web\"].ports[containerPort=80,protocol=\"TCP\"].name")
        .doesNotContain("protocol=\"TCP\"].protocol");
  }

  @Test
  void updateEntriesBeyondTenMergeIntoAncientChanges() {
    ObjectNode object = yaml("""
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: cm
          labels: {applier: "true"}
        """);
    ManagedEntry.writeAll(object, FieldOwnership.apply(yaml("{}"), object.deepCopy(), CONFIG_MAP, "v1", "apply_test", false,
        Scope.MAIN, null).managed());
    for (int i = 0; i < 20; i++) {
      ObjectNode next = object.deepCopy();
      Json.metadata(next).with("labels").put("updater" + i, "new");
      ManagedEntry.writeAll(next, FieldOwnership.update(ManagedEntry.readAll(object), object, next, CONFIG_MAP, "v1",
          "updater" + i, Scope.MAIN, null));
      object = next;
    }

    List<ManagedEntry> entries = ManagedEntry.readAll(object);
    assertThat(entries).hasSize(11);
    assertThat(object.path("metadata").path("managedFields").path(0).path("manager").asText()).isEqualTo("apply_test");
    assertThat(object.path("metadata").path("managedFields").path(1).path("manager").asText()).isEqualTo("ancient-changes");
  }
}
