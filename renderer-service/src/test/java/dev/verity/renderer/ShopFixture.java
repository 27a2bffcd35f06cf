package dev.verity.renderer;

import java.util.LinkedHashMap;
import java.util.Map;

/** A small GitOps repository: app {@code <app>} with a base (Deployment, Service, ConfigMap) and dev/prod overlays. */
public final class ShopFixture {
    private ShopFixture() {
    }

    /** The files of the app under {@code apps/<app>}, its ConfigMap saying {@code greeting}. */
    public static Map<String, String> app(String app, String greeting) {
        Map<String, String> files = new LinkedHashMap<>();
        String base = "apps/" + app + "/base/";
        files.put(base + "kustomization.yaml", """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                labels:
                  - pairs: { app: %s }
                    includeSelectors: true
                resources:
                  - deployment.yaml
                  - service.yaml
                  - configmap.yaml
                """.formatted(app));
        files.put(base + "deployment.yaml", """
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: web
                spec:
                  replicas: 1
                  template:
                    spec:
                      containers:
                        - name: web
                          image: nginx:1.27
                          ports:
                            - containerPort: 80
                          envFrom:
                            - configMapRef: { name: web-config }
                """);
        files.put(base + "service.yaml", """
                apiVersion: v1
                kind: Service
                metadata:
                  name: web
                spec:
                  ports:
                    - port: 80
                      targetPort: 80
                """);
        files.put(base + "configmap.yaml", """
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: web-config
                data:
                  GREETING: "%s"
                """.formatted(greeting));
        for (String env : new String[] {"dev", "prod"}) {
            String overlay = "apps/" + app + "/overlays/" + env + "/";
            files.put(overlay + "kustomization.yaml", """
                    apiVersion: kustomize.config.k8s.io/v1beta1
                    kind: Kustomization
                    namespace: %s-%s
                    resources:
                      - namespace.yaml
                      - ../../base
                    """.formatted(app, env) + (env.equals("prod") ? """
                    patches:
                      - target: { kind: Deployment, name: web }
                        patch: |
                          - op: replace
                            path: /spec/replicas
                            value: 3
                    """ : ""));
            files.put(overlay + "namespace.yaml", """
                    apiVersion: v1
                    kind: Namespace
                    metadata:
                      name: %s-%s
                    """.formatted(app, env));
        }
        return files;
    }

    /** A prod overlay that does not build: it names a resource file that does not exist. */
    public static Map<String, String> brokenProd(String app) {
        return Map.of("apps/" + app + "/overlays/prod/kustomization.yaml", """
                apiVersion: kustomize.config.k8s.io/v1beta1
                kind: Kustomization
                namespace: %s-prod
                resources:
                  - namespace.yaml
                  - ../../base
                  - missing-ingress.yaml
                """.formatted(app));
    }
}
