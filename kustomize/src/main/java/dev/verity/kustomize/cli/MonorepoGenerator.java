package dev.verity.kustomize.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a GitOps monorepo as platform teams lay one out: {@code apps/<app>/base} (a Deployment, a Service, a
 * ConfigMap generated from a properties file and literals, labels with selectors; some apps add a ServiceAccount with
 * a RoleBinding, an Ingress or a generated Secret) and three overlays per app ({@code dev}, {@code staging},
 * {@code prod}: namespace, namePrefix, labels, annotations, an image tag, replicas, a merged ConfigMap, a strategic
 * merge patch from a file and a JSON patch with a target). Deterministic: the same count writes the same files.
 */
public final class MonorepoGenerator {

    static final List<String> ENVIRONMENTS = List.of("dev", "staging", "prod");

    private MonorepoGenerator() {
    }

    /** Writes {@code apps} apps under {@code root}; returns the overlay directories, in order. */
    public static List<Path> write(Path root, int apps) throws IOException {
        List<Path> overlays = new ArrayList<>();
        for (int i = 0; i < apps; i++) {
            String app = String.format(Locale.ROOT, "app-%03d", i);
            String team = "team-" + (i % 7);
            Path appDir = root.resolve("apps").resolve(app);
            writeBase(appDir.resolve("base"), app, team, i);
            for (int e = 0; e < ENVIRONMENTS.size(); e++) {
                Path overlay = appDir.resolve("overlays").resolve(ENVIRONMENTS.get(e));
                writeOverlay(overlay, app, team, i, e);
                overlays.add(overlay);
            }
        }
        return overlays;
    }

    private static void writeBase(Path dir, String app, String team, int i) throws IOException {
        boolean rbac = i % 4 == 0;
        boolean ingress = i % 3 == 0;
        boolean secret = i % 5 == 0;
        StringBuilder k = new StringBuilder();
        k.append("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n");
        k.append("labels:\n- pairs:\n    app.kubernetes.io/name: ").append(app).append("\n  includeSelectors: true\n");
        k.append("- pairs:\n    app.kubernetes.io/part-of: ").append(team).append("\n");
        k.append("resources:\n- deployment.yaml\n- service.yaml\n");
        if (rbac) {
            k.append("- rbac.yaml\n");
        }
        if (ingress) {
            k.append("- ingress.yaml\n");
        }
        k.append("configMapGenerator:\n- name: ").append(app).append("-config\n  files:\n  - application.properties\n")
                .append("  literals:\n  - LOG_LEVEL=info\n  - FEATURE_FLAGS=search,checkout\n");
        if (secret) {
            k.append("secretGenerator:\n- name: ").append(app).append("-credentials\n  literals:\n")
                    .append("  - username=svc-").append(app).append("\n  - password=not-a-real-secret-").append(i)
                    .append("\n  type: Opaque\n");
        }
        write(dir.resolve("kustomization.yaml"), k.toString());
        write(dir.resolve("application.properties"), """
                server.port=8080
                management.endpoints.web.exposure.include=health,info,prometheus
                spring.datasource.url=jdbc:postgresql://db.%s.svc:5432/%s
                cache.ttl=300s
                """.formatted(team, app.replace('-', '_')));
        StringBuilder d = new StringBuilder();
        d.append("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: %1$s
                spec:
                  replicas: 1
                  selector:
                    matchLabels:
                      component: server
                  strategy:
                    type: RollingUpdate
                    rollingUpdate:
                      maxSurge: 25%%
                      maxUnavailable: 0
                  template:
                    metadata:
                      labels:
                        component: server
                      annotations:
                        prometheus.io/scrape: "true"
                        prometheus.io/port: "8080"
                    spec:
                """.formatted(app));
        if (rbac) {
            d.append("      serviceAccountName: ").append(app).append("\n");
        }
        d.append("""
                      containers:
                      - name: server
                        image: registry.example.com/%2$s/%1$s:1.0.%3$d
                        ports:
                        - name: http
                          containerPort: 8080
                        env:
                        - name: LOG_LEVEL
                          valueFrom:
                            configMapKeyRef:
                              name: %1$s-config
                              key: LOG_LEVEL
                        - name: JAVA_OPTS
                          value: "-XX:MaxRAMPercentage=75"
                """.formatted(app, team, i % 10));
        if (secret) {
            d.append("""
                            - name: DB_PASSWORD
                              valueFrom:
                                secretKeyRef:
                                  name: %s-credentials
                                  key: password
                    """.formatted(app));
        }
        d.append("""
                        envFrom:
                        - configMapRef:
                            name: %1$s-config
                        readinessProbe:
                          httpGet:
                            path: /actuator/health/readiness
                            port: http
                          periodSeconds: 5
                        resources:
                          requests:
                            cpu: 100m
                            memory: 256Mi
                          limits:
                            memory: 512Mi
                        volumeMounts:
                        - name: config
                          mountPath: /etc/%1$s
                          readOnly: true
                      - name: log-shipper
                        image: fluent/fluent-bit:3.1
                        resources:
                          requests:
                            cpu: 10m
                            memory: 32Mi
                      volumes:
                      - name: config
                        configMap:
                          name: %1$s-config
                          defaultMode: 0644
                """.formatted(app));
        write(dir.resolve("deployment.yaml"), d.toString());
        write(dir.resolve("service.yaml"), """
                apiVersion: v1
                kind: Service
                metadata:
                  name: %s
                spec:
                  selector:
                    component: server
                  ports:
                  - name: http
                    port: 80
                    targetPort: http
                """.formatted(app));
        if (rbac) {
            write(dir.resolve("rbac.yaml"), """
                    apiVersion: v1
                    kind: ServiceAccount
                    metadata:
                      name: %1$s
                    ---
                    apiVersion: rbac.authorization.k8s.io/v1
                    kind: RoleBinding
                    metadata:
                      name: %1$s-view
                    roleRef:
                      apiGroup: rbac.authorization.k8s.io
                      kind: ClusterRole
                      name: view
                    subjects:
                    - kind: ServiceAccount
                      name: %1$s
                    """.formatted(app));
        }
        if (ingress) {
            write(dir.resolve("ingress.yaml"), """
                    apiVersion: networking.k8s.io/v1
                    kind: Ingress
                    metadata:
                      name: %1$s
                      annotations:
                        nginx.ingress.kubernetes.io/proxy-body-size: 8m
                    spec:
                      ingressClassName: nginx
                      rules:
                      - host: %1$s.example.com
                        http:
                          paths:
                          - path: /
                            pathType: Prefix
                            backend:
                              service:
                                name: %1$s
                                port:
                                  name: http
                    """.formatted(app));
        }
    }

    private static void writeOverlay(Path dir, String app, String team, int i, int e) throws IOException {
        String env = ENVIRONMENTS.get(e);
        int replicas = new int[] {1, 2, 3 + i % 3}[e];
        String tag = String.format(Locale.ROOT, "1.%d.%d", i % 10, e == 0 ? 7 + i % 5 : i % 5);
        StringBuilder k = new StringBuilder();
        k.append("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n");
        k.append("namespace: ").append(app).append('-').append(env).append('\n');
        k.append("namePrefix: ").append(env).append("-\n");
        if (e == 2) {
            k.append("nameSuffix: -v2\n");
        }
        k.append("resources:\n- ../../base\n");
        k.append("labels:\n- pairs:\n    environment: ").append(env).append('\n');
        k.append("commonAnnotations:\n  owner: ").append(team).append("@example.com\n")
                .append("  verity.dev/environment: ").append(env).append('\n');
        k.append("images:\n- name: registry.example.com/").append(team).append('/').append(app).append('\n')
                .append("  newTag: \"").append(tag).append("\"\n");
        if (e == 2) {
            k.append("- name: fluent/fluent-bit\n  newName: mirror.example.com/fluent/fluent-bit\n");
        }
        k.append("replicas:\n- name: ").append(app).append("\n  count: ").append(replicas).append('\n');
        k.append("configMapGenerator:\n- name: ").append(app).append("-config\n  behavior: merge\n  literals:\n")
                .append("  - LOG_LEVEL=").append(e == 0 ? "debug" : "warn").append('\n')
                .append("  - ENVIRONMENT=").append(env).append('\n');
        k.append("patches:\n- path: resources.yaml\n");
        k.append("- target:\n    kind: Deployment\n    name: ").append(app).append('\n')
                .append("  patch: |-\n    - op: add\n      path: /spec/template/spec/containers/0/env/-\n")
                .append("      value:\n        name: ENVIRONMENT\n        value: ").append(env).append('\n');
        if (e > 0) {
            k.append("    - op: replace\n      path: /spec/strategy/rollingUpdate/maxSurge\n      value: 1\n");
        }
        write(dir.resolve("kustomization.yaml"), k.toString());
        String cpu = new String[] {"50m", "200m", "500m"}[e];
        String memory = new String[] {"256Mi", "512Mi", "1Gi"}[e];
        write(dir.resolve("resources.yaml"), """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: %s
                spec:
                  template:
                    spec:
                      containers:
                      - name: server
                        resources:
                          requests:
                            cpu: %s
                            memory: %s
                          limits:
                            memory: %s
                """.formatted(app, cpu, memory, memory));
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text, StandardCharsets.UTF_8);
    }
}
