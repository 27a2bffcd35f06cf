package dev.verity.kustomize.patch;

import static dev.verity.kustomize.patch.TestYaml.map;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.verity.kustomize.yaml.MapNode;
import org.junit.jupiter.api.Test;

/**
 * Every expectation here was recorded with {@code kubectl kustomize} v1.32 (Kustomize v5.5.0) on a directory holding
 * {@code r.yaml} (the resource), {@code p.yaml} (the patch) and a kustomization
 * {@code resources: [r.yaml]} / {@code patches: [{path: p.yaml}]}, unless a test names a conformance case, whose
 * {@code expected.yaml} is kubectl's output.
 */
class StrategicMergeTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: d
            spec:
              template:
                spec:
            """;

    private static MapNode merged(String resource, String patch) {
        MergeOutcome outcome = StrategicMerge.apply(map(resource), map(patch), PatchSchema.builtin());
        assertThat(outcome).isInstanceOf(MergeOutcome.Merged.class);
        return ((MergeOutcome.Merged) outcome).resource();
    }

    private static MapNode apply(MapNode resource, String patch) {
        return ((MergeOutcome.Merged) StrategicMerge.apply(resource, map(patch), PatchSchema.builtin())).resource();
    }

    @Test
    void conformance20MergesContainersEnvPortsAndVolumesByKeyPatchElementsFirst() {
        MapNode resource = map("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: recommender
                  annotations:
                    acme.io/owner: ml-team
                spec:
                  replicas: 2
                  selector:
                    matchLabels:
                      app: recommender
                  template:
                    metadata:
                      labels:
                        app: recommender
                    spec:
                      terminationGracePeriodSeconds: 60
                      nodeSelector:
                        kubernetes.io/os: linux
                      containers:
                      - name: model-server
                        image: ghcr.io/acme/recommender:0.12.0
                        ports:
                        - containerPort: 8501
                          name: rest
                        - containerPort: 8500
                          name: grpc
                        env:
                        - name: MODEL_NAME
                          value: recs
                        - name: BATCH_SIZE
                          value: "32"
                        - name: MODEL_BASE_PATH
                          value: /models
                        volumeMounts:
                        - name: models
                          mountPath: /models
                      - name: log-shipper
                        image: fluent/fluent-bit:3.0
                      volumes:
                      - name: models
                        emptyDir: {}
                """);
        MapNode once = apply(resource, """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: recommender
                spec:
                  template:
                    spec:
                      containers:
                      - name: model-server
                        image: ghcr.io/acme/recommender:0.13.0
                        resources:
                          limits:
                            nvidia.com/gpu: 1
                        ports:
                        - containerPort: 8501
                          name: http
                        env:
                        - name: BATCH_SIZE
                          value: "64"
                        - name: MODEL_NAME
                          valueFrom:
                            configMapKeyRef:
                              name: model-selection
                              key: current
                        - name: TF_CPP_MIN_LOG_LEVEL
                          value: "2"
                        volumeMounts:
                        - name: model-cache
                          mountPath: /cache
                      - name: metrics-proxy
                        image: ghcr.io/acme/metrics-proxy:1.0.0
                        args: ["--upstream=localhost:8501"]
                      volumes:
                      - name: model-cache
                        emptyDir:
                          medium: Memory
                          sizeLimit: 1Gi
                """);
        MapNode twice = apply(once, """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: recommender
                  annotations:
                    acme.io/patched: "yes"
                spec:
                  template:
                    spec:
                      nodeSelector:
                        node.acme.io/pool: gpu
                      terminationGracePeriodSeconds: null
                """);
        assertThat(twice).isEqualTo(map("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  annotations:
                    acme.io/owner: ml-team
                    acme.io/patched: "yes"
                  name: recommender
                spec:
                  replicas: 2
                  selector:
                    matchLabels:
                      app: recommender
                  template:
                    metadata:
                      labels:
                        app: recommender
                    spec:
                      containers:
                      - env:
                        - name: BATCH_SIZE
                          value: "64"
                        - name: MODEL_NAME
                          value: recs
                          valueFrom:
                            configMapKeyRef:
                              key: current
                              name: model-selection
                        - name: TF_CPP_MIN_LOG_LEVEL
                          value: "2"
                        - name: MODEL_BASE_PATH
                          value: /models
                        image: ghcr.io/acme/recommender:0.13.0
                        name: model-server
                        ports:
                        - containerPort: 8501
                          name: http
                        - containerPort: 8500
                          name: grpc
                        resources:
                          limits:
                            nvidia.com/gpu: 1
                        volumeMounts:
                        - mountPath: /cache
                          name: model-cache
                        - mountPath: /models
                          name: models
                      - args:
                        - --upstream=localhost:8501
                        image: ghcr.io/acme/metrics-proxy:1.0.0
                        name: metrics-proxy
                      - image: fluent/fluent-bit:3.0
                        name: log-shipper
                      nodeSelector:
                        kubernetes.io/os: linux
                        node.acme.io/pool: gpu
                      volumes:
                      - emptyDir:
                          medium: Memory
                          sizeLimit: 1Gi
                        name: model-cache
                      - emptyDir: {}
                        name: models
                """));
        // list order is part of the contract: patch elements first, in patch order
        assertThat(twice.map("spec").map("template").map("spec").seq("containers").items())
                .extracting(c -> ((MapNode) c).string("name"))
                .containsExactly("model-server", "metrics-proxy", "log-shipper");
    }

    @Test
    void conformance21DeletesElementsReplacesMapsAndListsAndDeletesTheResource() {
        MapNode resource = map("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: ledger
                spec:
                  template:
                    spec:
                      tolerations:
                      - key: dedicated
                        operator: Equal
                      containers:
                      - name: ledger
                        image: ghcr.io/acme/ledger:9.0.0
                        ports:
                        - name: http
                          containerPort: 8080
                        - name: metrics
                          containerPort: 9090
                        env:
                        - name: DEBUG
                          value: "1"
                        - name: LEDGER_MODE
                          value: strict
                        resources:
                          requests:
                            cpu: 250m
                            memory: 512Mi
                          limits:
                            cpu: "1"
                        volumeMounts:
                        - name: debug
                          mountPath: /debug
                        - name: data
                          mountPath: /data
                      - name: debug-shell
                        image: busybox:1.36
                      volumes:
                      - name: debug
                        configMap:
                          name: debug-tools
                      - name: data
                        emptyDir: {}
                """);
        MapNode dropped = apply(resource, """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: ledger
                spec:
                  template:
                    spec:
                      containers:
                      - name: debug-shell
                        $patch: delete
                      - name: ledger
                        env:
                        - name: DEBUG
                          $patch: delete
                        volumeMounts:
                        - mountPath: /debug
                          $patch: delete
                      volumes:
                      - name: debug
                        $patch: delete
                """);
        MapNode replaced = apply(dropped, """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: ledger
                spec:
                  template:
                    spec:
                      containers:
                      - name: ledger
                        ports:
                        - $patch: replace
                        - name: https
                          containerPort: 8443
                        resources:
                          $patch: replace
                          requests:
                            cpu: "2"
                            memory: 4Gi
                """);
        assertThat(replaced).isEqualTo(map("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: ledger
                spec:
                  template:
                    spec:
                      containers:
                      - env:
                        - name: LEDGER_MODE
                          value: strict
                        image: ghcr.io/acme/ledger:9.0.0
                        name: ledger
                        ports:
                        - containerPort: 8443
                          name: https
                        resources:
                          requests:
                            cpu: "2"
                            memory: 4Gi
                        volumeMounts:
                        - mountPath: /data
                          name: data
                      tolerations:
                      - key: dedicated
                        operator: Equal
                      volumes:
                      - emptyDir: {}
                        name: data
                """));

        String deleteConfigMap = """
                $patch: delete
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: debug-tools
                """;
        assertThat(StrategicMerge.deletesResource(map(deleteConfigMap))).isTrue();
        assertThat(StrategicMerge.apply(map("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: debug-tools
                data:
                  enable: "true"
                """), map(deleteConfigMap), PatchSchema.builtin())).isInstanceOf(MergeOutcome.Deleted.class);
    }

    @Test
    void conformance22ReplacesListsWithoutMergeKeyAndEveryListOfACustomResource() {
        assertThat(merged("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: frontend
                spec:
                  selector:
                    app: frontend
                  ports:
                  - name: http
                    port: 80
                    targetPort: 3000
                  - name: admin
                    port: 8081
                    targetPort: 8081
                """, """
                apiVersion: v1
                kind: Service
                metadata:
                  name: frontend
                spec:
                  ports:
                  - name: http
                    port: 80
                    targetPort: 8080
                """)).isEqualTo(map("""
                apiVersion: v1
                kind: Service
                metadata:
                  name: frontend
                spec:
                  ports:
                  - name: http
                    port: 80
                    targetPort: 8080
                  - name: admin
                    port: 8081
                    targetPort: 8081
                  selector:
                    app: frontend
                """));
        assertThat(merged("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: frontend
                spec:
                  template:
                    spec:
                      imagePullSecrets:
                      - name: ghcr-pull
                      tolerations:
                      - key: spot
                        operator: Exists
                        effect: NoSchedule
                      - key: arm64
                        operator: Exists
                      containers:
                      - name: frontend
                        image: ghcr.io/acme/frontend:6.0.0
                        command: ["node"]
                        args: ["server.js", "--port=3000", "--verbose"]
                """, """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: frontend
                spec:
                  template:
                    spec:
                      imagePullSecrets:
                      - name: mirror-pull
                      tolerations:
                      - key: dedicated
                        operator: Equal
                        value: web
                        effect: NoSchedule
                      containers:
                      - name: frontend
                        command: ["/usr/local/bin/node", "--enable-source-maps"]
                        args: ["server.js", "--port=8080"]
                """)).isEqualTo(map("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: frontend
                spec:
                  template:
                    spec:
                      containers:
                      - args:
                        - server.js
                        - --port=8080
                        command:
                        - /usr/local/bin/node
                        - --enable-source-maps
                        image: ghcr.io/acme/frontend:6.0.0
                        name: frontend
                      imagePullSecrets:
                      - name: mirror-pull
                      - name: ghcr-pull
                      tolerations:
                      - effect: NoSchedule
                        key: dedicated
                        operator: Equal
                        value: web
                """));
        assertThat(merged("""
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata:
                  name: frontend
                spec:
                  selector:
                    matchLabels:
                      app: frontend
                  endpoints:
                  - port: admin
                    interval: 30s
                    path: /metrics
                  - port: http
                    interval: 60s
                """, """
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata:
                  name: frontend
                spec:
                  selector:
                    matchLabels:
                      tier: web
                  endpoints:
                  - port: admin
                    interval: 10s
                """)).isEqualTo(map("""
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata:
                  name: frontend
                spec:
                  endpoints:
                  - interval: 10s
                    port: admin
                  selector:
                    matchLabels:
                      app: frontend
                      tier: web
                """));
    }

    @Test
    void customResourceListOfMapsWithNameIsReplacedNotMerged() {
        // kubectl kustomize on r.yaml/p.yaml below: no schema for acme.io/v1 Thing, so no name-based merge
        assertThat(merged("""
                apiVersion: acme.io/v1
                kind: Thing
                metadata:
                  name: t
                spec:
                  items:
                  - name: a
                    v: 1
                  - name: b
                    v: 1
                """, """
                apiVersion: acme.io/v1
                kind: Thing
                metadata:
                  name: t
                spec:
                  items:
                  - name: b
                    v: 2
                """).map("spec")).isEqualTo(map("""
                items:
                - name: b
                  v: 2
                """));
    }

    @Test
    void replaceDirectiveOnAListElementLeavesTheElementAsItWas() {
        // surprising but recorded: the element's own "$patch: replace" makes Kustomize put the resource's element back
        assertThat(merged(DEPLOYMENT + """
                      containers:
                      - name: a
                        image: a
                        args: [x]
                      - name: b
                        image: b
                """, DEPLOYMENT + """
                      containers:
                      - name: a
                        $patch: replace
                        image: a2
                """)).isEqualTo(map(DEPLOYMENT + """
                      containers:
                      - args:
                        - x
                        image: a
                        name: a
                      - image: b
                        name: b
                """));
    }

    @Test
    void apiServerDirectivesAreKeptAsOrdinaryKeysAndPrimitiveMergeListsMergePatchFirst() {
        assertThat(merged(DEPLOYMENT + """
                      containers:
                      - name: a
                        image: a
                      - name: b
                        image: b
                """, DEPLOYMENT + """
                      $setElementOrder/containers:
                      - name: b
                      - name: a
                      $retainKeys: [containers]
                      containers:
                      - name: a
                        image: a2
                """)).isEqualTo(map(DEPLOYMENT + """
                      $retainKeys:
                      - containers
                      $setElementOrder/containers:
                      - name: b
                      - name: a
                      containers:
                      - image: a2
                        name: a
                      - image: b
                        name: b
                """));
        // metadata.finalizers has strategy merge and no key: merged by value, the patch's values first
        assertThat(merged("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: c
                  finalizers: [f1, f2, f3]
                """, """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: c
                  finalizers: [f3, f4]
                  $deleteFromPrimitiveList/finalizers: [f1]
                """)).isEqualTo(map("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  $deleteFromPrimitiveList/finalizers:
                  - f1
                  finalizers:
                  - f3
                  - f4
                  - f1
                  - f2
                  name: c
                """));
    }

    @Test
    void duplicateMergeKeysInTheResourceCollapseIntoTheLastEvenWhenThePatchDoesNotTouchTheList() {
        assertThat(merged(DEPLOYMENT + """
                      containers:
                      - name: a
                        image: a
                        env:
                        - name: X
                          value: '1'
                        - name: Y
                          value: '2'
                        - name: X
                          value: '3'
                """, DEPLOYMENT + """
                      containers:
                      - name: a
                        image: a2
                """)).isEqualTo(map(DEPLOYMENT + """
                      containers:
                      - env:
                        - name: X
                          value: "3"
                        - name: "Y"
                          value: "2"
                        image: a2
                        name: a
                """));
    }

    @Test
    void portsMergeByContainerPortAndProtocolAsKustomizeMatchesPartialKeys() {
        assertThat(merged(DEPLOYMENT + """
                      containers:
                      - name: a
                        ports:
                        - containerPort: 8080
                          name: http
                        - containerPort: 9090
                          protocol: UDP
                        - containerPort: 9090
                          protocol: TCP
                """, DEPLOYMENT + """
                      containers:
                      - name: a
                        ports:
                        - containerPort: 8080
                          protocol: TCP
                          name: web
                        - containerPort: 9090
                          protocol: UDP
                          name: u
                        - containerPort: 7070
                """)).isEqualTo(map(DEPLOYMENT + """
                      containers:
                      - name: a
                        ports:
                        - containerPort: 7070
                        - containerPort: 8080
                          name: http
                        - containerPort: 9090
                          name: u
                          protocol: UDP
                        - containerPort: 9090
                          protocol: TCP
                """));
    }

    @Test
    void directivesOnListsTheResourceLacks() {
        // a deleted element leaves an empty list; a lone "$patch: replace" element stays as an element
        assertThat(merged(DEPLOYMENT + """
                      containers:
                      - name: a
                """, DEPLOYMENT + """
                      initContainers:
                      - name: x
                        $patch: delete
                      volumes:
                      - $patch: replace
                      - name: v
                        emptyDir: {}
                      containers:
                      - name: zz
                        $patch: delete
                """)).isEqualTo(map(DEPLOYMENT + """
                      containers:
                      - name: a
                      initContainers: []
                      volumes:
                      - $patch: replace
                """));
    }

    @Test
    void nullsInNewContentAreDroppedButKeptInsideAReplacedList() {
        assertThat(merged("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: p
                spec:
                  tolerations:
                  - key: a
                  containers:
                  - name: a
                    image: a
                """, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: p
                spec:
                  securityContext:
                    runAsUser: 1
                    fsGroup: null
                    seLinuxOptions:
                      level: null
                  tolerations:
                  - key: b
                    value: null
                  containers:
                  - name: b
                    image: null
                    env:
                    - name: E
                      value: null
                """)).isEqualTo(map("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: p
                spec:
                  containers:
                  - env:
                    - name: E
                    name: b
                  - image: a
                    name: a
                  securityContext:
                    runAsUser: 1
                    seLinuxOptions: {}
                  tolerations:
                  - key: b
                    value: null
                """));
    }

    @Test
    void deleteDirectiveOnMaps() {
        assertThat(merged(DEPLOYMENT + """
                      containers:
                      - name: a
                        resources:
                          limits:
                            cpu: 1
                      securityContext:
                        runAsUser: 1
                """, DEPLOYMENT + """
                      securityContext:
                        $patch: delete
                      containers:
                      - name: a
                        resources:
                          limits:
                            $patch: delete
                """)).isEqualTo(map(DEPLOYMENT + """
                      containers:
                      - name: a
                        resources: {}
                """));
    }

    @Test
    void unknownDirectiveIsAnErrorOnAnExistingMapButKeptOnNewContent() {
        // kubectl: error: unknown patch strategy 'remove'
        assertThatThrownBy(() -> merged(DEPLOYMENT + """
                      containers:
                      - name: a
                        resources: {limits: {cpu: 1}}
                """, DEPLOYMENT + """
                      containers:
                      - name: a
                        resources:
                          $patch: remove
                """)).isInstanceOf(PatchException.class).hasMessageContaining("unknown patch strategy 'remove'");
        assertThat(merged(DEPLOYMENT + """
                      containers:
                      - name: a
                """, DEPLOYMENT + """
                      containers:
                      - name: a
                        resources:
                          $patch: remove
                """)).isEqualTo(map(DEPLOYMENT + """
                      containers:
                      - name: a
                        resources:
                          $patch: remove
                """));
    }

    @Test
    void aPatchWithAListWhereTheResourceHasAMapFails() {
        // kubectl: wrong node kind: expected MappingNode but got SequenceNode: node contents: - a
        assertThatThrownBy(() -> merged("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: c
                data:
                  a: b
                """, """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: c
                data:
                - a
                """)).isInstanceOf(PatchException.class)
                .hasMessageContaining("wrong node kind: expected MappingNode but got SequenceNode at data");
    }

    @Test
    void inputsAreNotChanged() {
        MapNode resource = map(DEPLOYMENT + "      containers:\n      - name: a\n        image: a\n");
        MapNode patch = map(DEPLOYMENT + "      containers:\n      - name: a\n        $patch: delete\n");
        MapNode resourceBefore = resource.deepCopy();
        MapNode patchBefore = patch.deepCopy();
        StrategicMerge.apply(resource, patch, PatchSchema.builtin());
        assertThat(resource).isEqualTo(resourceBefore);
        assertThat(patch).isEqualTo(patchBefore);
    }
}
