package dev.verity.testkit.kube;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A Kubernetes API server test double for tests and the local stack: an HTTP server on a local port (Vert.x, with the
 * fabric8 mock web server's WebSocket adapter, and its own dispatcher and store) that behaves like a real API server
 * for what Verity uses.
 *
 * <p>What it does:
 * <ul>
 *   <li>CRUD on every GA built-in resource a default 1.32 server serves (core, admissionregistration, apiextensions,
 *       apiregistration, apps, authentication, authorization, autoscaling v1 and v2, batch, certificates,
 *       coordination, discovery, events, flowcontrol, networking, node, policy, rbac, scheduling, storage; nothing
 *       removed, so {@code apps/v1beta2} or {@code apiextensions.k8s.io/v1beta1} is a 404), each with its scope and
 *       its kind's name rule ({@link NameRule}), and on custom resources of any Established
 *       CustomResourceDefinition stored in it; discovery ({@code /api}, {@code /apis}, ...) with short names, verbs
 *       and categories ({@code all} on the kinds a real server puts in it, {@code api-extensions}), so that fabric8,
 *       {@code kubectl} and {@code kubectl get all} work against it. Every create and update answer carries
 *       {@code apiVersion} and {@code kind}, filled from the URL when the body omits them.</li>
 *   <li>The review kinds answered as an allow-all server answers them ({@link Reviews}), never stored:
 *       {@code SelfSubjectAccessReview}, {@code SubjectAccessReview} and {@code LocalSubjectAccessReview} are
 *       allowed and say why, {@code SelfSubjectRulesReview} grants everything, {@code SelfSubjectReview}
 *       ({@code kubectl auth whoami}) and {@code TokenReview} name the user {@code verity-sandbox}.</li>
 *   <li>OpenAPI v3 ({@code /openapi/v3} and one document per group-version, {@link OpenApi}) from the types table and
 *       the CRDs' schemas: enough for {@code kubectl explain deployment.spec.replicas}.</li>
 *   <li>Protobuf request bodies ({@code application/vnd.kubernetes.protobuf}, as client-go's typed clients and so
 *       {@code kubectl create ...} and {@code kubectl auth can-i} send them) for the kinds whose messages
 *       kubernetes-client/java publishes ({@link ProtobufBodies}): read into the same JSON model (IntOrString,
 *       Quantity, Time, MicroTime, RawExtension, maps, base64 bytes); answers are JSON.</li>
 *   <li>CustomResourceDefinitions go through the apiextensions-apiserver's lifecycle ({@link CrdController}):
 *       stored with {@code status.storedVersions}, then {@code NamesAccepted} (or a names conflict with another CRD
 *       of the group, and never Established), then {@code Established} after {@link Lifecycle#crdEstablishedAfter()}
 *       (default 1 s); only then are their kinds served (404 before, as on a real server) and in discovery. Deleting
 *       a CRD passes through {@code Terminating} (cleanup finalizer; creating its custom resources answers 405) while
 *       its custom resources are deleted, then it is gone.</li>
 *   <li>Custom resources are pruned of unknown fields (unless {@code x-kubernetes-preserve-unknown-fields}) and
 *       defaulted by their version's structural schema on create, update, patch and apply
 *       ({@link StructuralSchema}); on create, update and merge or JSON patch their duplicate fields (YAML duplicate
 *       keys by line), unknown {@code metadata} fields, pruned fields and unknown fields in embedded resources'
 *       metadata are refused, warned about or dropped per {@code fieldValidation}, in the apiextensions-apiserver's
 *       words and order ({@link CustomResourceBodies}); server-side apply refuses a field the schema does not declare
 *       (500, {@code field not declared in schema}, as 1.32 answers). Finalizer names must be qualified names (422), and a custom
 *       resource write warns about each added finalizer without a domain ({@link Finalizers}).</li>
 *   <li>Status and spec are reset as the registry strategies do ({@link ResetFields}): a write to the main resource of
 *       a kind with a status subresource leaves status as stored; a write to {@code /status} leaves spec (and, per
 *       kind, some metadata; for custom resources everything but status) as stored; {@code /status} of a kind
 *       without one is 404.</li>
 *   <li>Server-side apply ({@code PATCH} with {@code application/apply-patch+yaml}, {@code fieldManager},
 *       {@code force}): creates absent objects, merges lists by their list type and keys (built-in kinds from the
 *       1.32 table, custom resources from their CRD's structural schema, {@link ObjectSchema}; a key field left out
 *       takes its schema default), records {@code metadata.managedFields} in the real fieldsV1 format (an Update
 *       entry also owns the maps and lists it adds, the {@code "."} of fieldsV1, compared on create with the Go
 *       zero value), removes fields a manager stopped applying unless
 *       another manager owns them, and answers 409 Conflict naming managers and fields unless forced (the applier's
 *       own Update entries included; kubectl may take over fields of its last client-side applied configuration).
 *       Incoming {@code metadata.managedFields} are honoured as the API server does ({@code []} or {@code [{}]} reset
 *       ownership, entries that cannot be decoded are ignored, subresource writes ignore them, an apply body must not
 *       carry them); entries are sorted as the API server sorts them and Update entries are capped at ten
 *       ({@code ancient-changes}); duplicate list-map keys written by create or update are stored and owned by key
 *       only, and an apply configuration with duplicate keys is refused; a {@code uid} in an apply is a precondition;
 *       {@code /scale} (read, write, apply) only for kinds with a scale subresource.</li>
 *   <li>PUT, JSON merge patch (nulls delete, lists replace), JSON patch and strategic merge patch, each taking
 *       ownership (operation Update) of the fields it changes for its manager ({@code fieldManager}, else the
 *       User-Agent's product name, as a real server derives it); the {@code status} and {@code scale} subresources.</li>
 *   <li>{@code dryRun=All} on every write; {@code resourceVersion} preconditions (409); {@code metadata.uid},
 *       {@code creationTimestamp}, {@code resourceVersion}; {@code generation} starting at 1 and bumped on changes
 *       outside metadata and status.</li>
 *   <li>Built-in kinds read and written through their Kubernetes 1.32 Go types (the {@code kube-schema} table,
 *       derived from kubernetes/api v0.32.0): a value of the wrong type is a 400 in Go's words ({@code json: cannot
 *       unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32}); unknown and duplicate
 *       fields are refused, warned about ({@code Warning} headers) or dropped per {@code fieldValidation}
 *       (Strict/Warn/Ignore, Warn by default), in the server's words and order; server-side apply refuses fields
 *       the type does not declare whatever {@code fieldValidation} says (500, as 1.32 answers); what is stored is
 *       what Go's encoding/json writes: {@code omitempty} zero values left out ({@code env value: ""},
 *       {@code readOnly: false}), structs always written ({@code status: {}}, a template's
 *       {@code creationTimestamp: null}), quantities canonical ({@code 1000m} → {@code 1}); list types, list-map keys
 *       and atomic maps for field ownership come from the same table.</li>
 *   <li>Immutable fields of the built-in kinds (workload selectors, StatefulSet spec beyond its mutable fields, Job
 *       template unless suspended and never started, Service {@code clusterIPs}/{@code ipFamilies}, PVC spec,
 *       {@code immutable: true} ConfigMaps and Secrets, roleRef, CRD names, ...) answer 422 with the server's
 *       message ({@link Immutables}).</li>
 *   <li>Namespaced objects in a namespace that does not exist are refused with 404 (namespaces {@code default},
 *       {@code kube-system}, {@code kube-public}, {@code kube-node-lease} exist from the start; the first three may
 *       not be deleted, 403). Deleting a namespace passes through Terminating ({@link NamespaceController}):
 *       {@code deletionTimestamp} and {@code status.phase: Terminating} at once, its content deleted and the
 *       namespace controller's five conditions written, creates in it refused with 403 Forbidden (cause
 *       {@code NamespaceTerminating}), a second delete 409; after {@link Lifecycle#namespaceTerminatedAfter()}
 *       (default 300 ms) {@code spec.finalizers} is emptied and it is gone. Every step is watch-visible. Finalizers
 *       hold deletion.</li>
 *   <li>Label selectors, equality- and set-based ({@code in}, {@code notin}, {@code key}, {@code !key}), and
 *       {@code metadata.name}/{@code metadata.namespace} field selectors, for list, watch and delete-collection; a bad
 *       selector is a 400.</li>
 *   <li>Watches over WebSocket (as fabric8 opens them) and over plain HTTP (as kubectl and client-go open them: a
 *       chunked response that stays open, ends cleanly at {@code timeoutSeconds}, half an hour without it, and
 *       carries Table objects when kubectl asks for them), resumable from a resourceVersion, fed by every write from a
 *       fan-out thread in commit order (a write's answer never waits for its watchers); {@code BOOKMARK} events with
 *       {@code allowWatchBookmarks=true} (every minute and 2 s before the timeout, as the watch cache schedules
 *       them), queued behind every change they vouch for. Each resource keeps a bounded
 *       history of changes (1,000 by default, {@link Faults#watchHistory(int)}), as the watch cache does: a watch from a
 *       resourceVersion older than it gets a 410 {@code Expired} ERROR event ("too old resource version").</li>
 *   <li>Pagination as a 1.32 API server with its watch cache answers it ({@link ListRequest}): {@code limit} and
 *       {@code continue} in etcd key order ({@code namespace/name}), {@code metadata.continue} and
 *       {@code remainingItemCount}, continuations reading the first page's snapshot (410 {@code Expired} with an
 *       inconsistent-continue token once it is older than the history), {@code resourceVersion="0"} served whole,
 *       {@code resourceVersionMatch} validation; fabric8 informers and {@code kubectl get --chunk-size} page through.</li>
 *   <li>Faults on demand, none by default ({@link #faults()}): the next N requests matching a verb, resource,
 *       namespace and name answer 409, 429 (with {@code Retry-After}), 500, 503 or 504 with the server's Status, hang,
 *       or have their connection dropped; a latency per request; every watch closed from the server side; the history
 *       compacted so that older watches and continuations get 410 Gone. A request log ({@link #requests()}, the last
 *       10,000 requests with verb, path, query, status code and time). Both also as JSON at {@link #controlUrl()}
 *       ({@code /sandbox/faults}, {@code /sandbox/requests}, ...; see {@link SandboxControl}), a path no Kubernetes client
 *       uses, also under {@code ./verity up}.</li>
 *   <li>A simulated rollout for Deployments, StatefulSets, DaemonSets and Jobs: see {@link Rollout} (a Deployment's
 *       ready status has {@code observedGeneration}, {@code updatedReplicas} and the Deployment controller's
 *       {@code Available}/{@code Progressing} conditions, reason {@code NewReplicaSetAvailable}). A bare sandbox
 *       ({@link Controllers#NONE}, {@link #bare()}, {@code KubeSandboxMain --controllers=none}) runs neither it nor
 *       the namespace controller: nothing but clients writes, like kube-apiserver without kube-controller-manager in
 *       Kubernetes' own integration tests (a deleted namespace stays Terminating with its content).</li>
 *   <li>The server-side defaults of Kubernetes 1.32 for the built-in kinds (pod templates and containers, workload
 *       strategies, Service types, ports and traffic policies, Job selectors, ...; {@code kube-schema/sources/defaults.yaml}
 *       lists them with their sources), and Service allocation: cluster IPs from {@code 10.96.0.0/12} and node ports
 *       from 30000-32767, kept across updates, a taken one refused with 422; a DaemonSet's template generation
 *       in its {@code deprecated.daemonset.template.generation} annotation, as apps/v1 carries it.</li>
 * </ul>
 *
 * <p>What it does not do (it is a test double, not an API server):
 * <ul>
 *   <li>no authentication, authorisation or RBAC: every request is allowed (and the review kinds say so), every token
 *       review authenticates;</li>
 *   <li>built-in kinds outside the {@code kube-schema} table (admissionregistration, apiregistration, authentication,
 *       authorization, certificates, events.k8s.io, flowcontrol, node) are stored as sent, not read through their Go
 *       types, and APIServices serve nothing; {@code events.k8s.io/v1} Events are stored apart from core
 *       {@code v1} Events (a real server stores them together); {@code bindings}, {@code componentstatuses}, pod
 *       subresources other than {@code status} ({@code log}, {@code exec}, {@code eviction}, ...) and
 *       {@code serviceaccounts/token} ({@code kubectl create token}) are not served;</li>
 *   <li>no admission: no mutating or validating webhooks, quotas, limit ranges or pod security;</li>
 *   <li>no validation beyond types and immutable fields: built-in kinds are read through their Go types (above),
 *       but required fields, formats, enums and cross-field rules ({@code ValidateDeployment} and the like) are not
 *       checked; custom resources are pruned and defaulted but not validated (no types, formats, CEL), and not
 *       defaulted on read; the CRD itself is not validated (its name need not be {@code <plural>.<group>});
 *       an invalid value in a 422 is printed as 1.32 prints it only for label selectors, role refs, strings and
 *       string lists (JSON otherwise, as later servers print it), and PersistentVolume(Claim) spec errors leave out
 *       the Go diff a real server appends;</li>
 *   <li>writes to {@code /status} that change metadata the kind does not reset (e.g. a Service's annotations) store
 *       the change, as a real server does, but do not record its ownership in {@code managedFields}; an apply to
 *       {@code /status} applies only {@code status};</li>
 *   <li>no real controllers: no ReplicaSets or Pods are created, no garbage collection by ownerReferences, no
 *       Endpoints, no tokens or certificates; the CRD and namespace controllers are simulated (above),
 *       with these differences: custom resources are served only once their CRD is Established (a real API server
 *       already serves them on {@code NamesAccepted=True}, a moment earlier, on the server that accepted the names),
 *       the CRD finalizer does not give up after a minute on custom resources held by finalizers, namespace
 *       deletion does not honour {@code propagationPolicy} or graceful pod deletion, and the {@code /finalize}
 *       subresource is not served; a DELETE honours {@code dryRun} and {@code preconditions} ({@code uid},
 *       {@code resourceVersion}: 409 on a mismatch) but not {@code propagationPolicy}: without a garbage collector
 *       there are no dependents, so a {@code Foreground} delete goes at once (a real server first sets the
 *       {@code foregroundDeletion} finalizer) unless the object's own finalizers hold it;</li>
 *   <li>defaults only of the built-in kinds Verity applies (not of Nodes, Endpoints, admission registration, ...), on
 *       a single-stack IPv4 cluster;</li>
 *   <li>no conversion between versions: objects are served in the version they were last written in;</li>
 *   <li>protobuf request bodies only of kinds whose messages {@code io.kubernetes:client-java-proto} 24.0.0 has (not
 *       coordination, discovery, events.k8s.io, node, flowcontrol, apiextensions/v1, apiregistration or custom
 *       resources: 415 naming the kind; fields newer than its messages are dropped with a warning); no protobuf
 *       answers; no aggregated discovery; OpenAPI v3 documents ({@link OpenApi}) carry types, list and map
 *       semantics and patch strategies but no descriptions, and there is no OpenAPI v2;</li>
 *   <li>one bounded change history per resource stands for both etcd's compaction and the watch cache's window; no
 *       {@code sendInitialEvents} (streaming lists); HTTP/1.1 only (no HTTP/2);</li>
 *   <li>Table output for {@code kubectl get} has a few columns for common kinds only;</li>
 *   <li>no TLS: plain HTTP on the loopback interface, which fabric8 and kubectl both accept from the kubeconfig it
 *       writes;</li>
 * </ul>
 */
public final class KubeSandbox implements AutoCloseable {

  private static final List<String> INITIAL_NAMESPACES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

  private final SandboxServer server;
  private final SandboxApi api;
  private final Rollout rollout;
  private final Lifecycle lifecycle;
  private final Faults faults;
  private final RequestLog requests = new RequestLog();
  private final Path tempDir;
  private final Path kubeconfig;
  private KubernetesClient client;
  private boolean closed;

  /**
   * Which simulated kube-controller-manager controllers run: {@link #ALL} (the default, and {@code ./verity up}'s),
   * or {@link #NONE} for a bare API server like the one of Kubernetes' own integration tests.
   */
  public enum Controllers {
    /** The simulated rollout ({@link Rollout}) and namespace controller ({@link NamespaceController}) write as kube-controller-manager would. */
    ALL,
    /**
     * No simulated controller writes anything: workload status stays as written and a deleted namespace stays
     * Terminating with its content, as on kube-apiserver without kube-controller-manager. The CRD lifecycle stays,
     * as it belongs to the API server (apiextensions-apiserver) itself.
     */
    NONE;

    /** {@code all} or {@code none} (any case), as {@code --controllers=} takes it. */
    public static Controllers parse(String text) {
      for (Controllers value : values()) {
        if (value.name().equalsIgnoreCase(text)) {
          return value;
        }
      }
      throw new IllegalArgumentException("--controllers must be 'all' or 'none', got '" + text + "'");
    }
  }

  private final Controllers controllers;

  private KubeSandbox(int port, Controllers controllers) {
    this.controllers = java.util.Objects.requireNonNull(controllers, "controllers");
    ResourceTypes types = new ResourceTypes();
    ObjectStore store = new ObjectStore();
    this.api = new SandboxApi(store, types);
    this.faults = new Faults(store);
    this.rollout = new Rollout(api, controllers == Controllers.ALL);
    this.lifecycle = new Lifecycle();
    api.onWrite(new CrdController(api, lifecycle));
    if (controllers == Controllers.ALL) {
      api.onWrite(rollout::written);
      api.onWrite(new NamespaceController(api, lifecycle));
    }
    SandboxDispatcher dispatcher = new SandboxDispatcher(api);
    this.server = new SandboxServer(dispatcher, faults, requests, port);
    dispatcher.serverAddress("127.0.0.1:" + server.port());
    ResourceType namespaces = types.byPlural("", "v1", "namespaces").orElseThrow();
    for (String namespace : INITIAL_NAMESPACES) {
      ObjectNode object = Json.object();
      object.put("apiVersion", "v1");
      object.put("kind", "Namespace");
      object.putObject("metadata").put("name", namespace);
      api.create(namespaces, null, object, "kube-apiserver", false);
    }
    try {
      this.tempDir = Files.createTempDirectory("kube-sandbox-");
      this.kubeconfig = writeKubeconfig(tempDir.resolve("kubeconfig"));
    } catch (IOException e) {
      close();
      throw new UncheckedIOException("KubeSandbox could not write its kubeconfig to a temporary directory", e);
    }
  }

  /** Starts a sandbox on a free loopback port. */
  public static KubeSandbox start() {
    return start(0);
  }

  /** Starts a sandbox on the given loopback port (0 picks a free one). */
  public static KubeSandbox start(int port) {
    return new KubeSandbox(port, Controllers.ALL);
  }

  /** Starts a sandbox on the given loopback port (0 picks a free one) with the given simulated controllers. */
  public static KubeSandbox start(int port, Controllers controllers) {
    return new KubeSandbox(port, controllers);
  }

  /** Starts a bare sandbox ({@link Controllers#NONE}) on a free loopback port. */
  public static KubeSandbox bare() {
    return new KubeSandbox(0, Controllers.NONE);
  }

  /** Which simulated controllers this sandbox runs. */
  public Controllers controllers() {
    return controllers;
  }

  /** The API server URL, {@code http://127.0.0.1:<port>}. */
  public String url() {
    return "http://127.0.0.1:" + server.port();
  }

  public int port() {
    return server.port();
  }

  /** The control endpoint for faults and the request log, {@code http://127.0.0.1:<port>/sandbox} (see {@link SandboxControl}). */
  public String controlUrl() {
    return url() + "/sandbox";
  }

  /** A fabric8 client for the sandbox, default namespace {@code default}; closed with the sandbox. */
  public synchronized KubernetesClient client() {
    if (client == null) {
      client = newClient();
    }
    return client;
  }

  /** A new fabric8 client for the sandbox, for tests that need their own (the caller closes it). */
  public KubernetesClient newClient() {
    Config config = new ConfigBuilder(Config.empty())
        .withMasterUrl(url())
        .withNamespace("default")
        .withRequestRetryBackoffLimit(1)
        .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }

  /** The kubeconfig written at start in a temporary directory (removed on close). */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /** Writes a kubeconfig for the sandbox (cluster, user and context {@code verity-sandbox}, namespace default) to {@code file}. */
  public Path writeKubeconfig(Path file) {
    String content = """
        apiVersion: v1
        kind: Config
        clusters:
        - name: verity-sandbox
          cluster:
            server: %s
        users:
        - name: verity-sandbox
          user: {}
        contexts:
        - name: verity-sandbox
          context:
            cluster: verity-sandbox
            user: verity-sandbox
            namespace: default
        current-context: verity-sandbox
        """.formatted(url());
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, content);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException("KubeSandbox could not write a kubeconfig to " + file, e);
    }
  }

  /** The simulated workload controllers: readiness delay and failures on request. */
  public Rollout rollout() {
    return rollout;
  }

  /** The simulated API server controllers' timing: when CRDs become Established, how long namespaces stay Terminating. */
  public Lifecycle lifecycle() {
    return lifecycle;
  }

  /** Faults on demand (none until asked for): injected statuses, hangs, dropped connections, latency, watch closes, 410 Gone. */
  public Faults faults() {
    return faults;
  }

  /** The last {@value RequestLog#CAPACITY} requests served, with the status code each got. */
  public RequestLog requests() {
    return requests;
  }

  /** The API semantics, for benchmarks and tests in this package that seed many objects without HTTP. */
  SandboxApi api() {
    return api;
  }

  /** How many watches are open right now (for tests that check watches are closed). */
  public int openWatches() {
    return api.store().openWatches();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (client != null) {
      client.close();
      client = null;
    }
    rollout.close();
    lifecycle.close();
    if (server != null) {
      server.close();
    }
    api.store().close();
    if (tempDir != null) {
      try (var files = Files.walk(tempDir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // best effort: the directory is in the system temp directory
      }
    }
  }
}
