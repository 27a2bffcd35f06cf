package dev.verity.testkit.git;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A generated GitOps monorepo: {@code apps} apps named {@code app-000}, {@code app-001}, …, each with a base
 * (Deployment, Service, ConfigMap) and one overlay per environment, for tests and benchmarks of rendering at scale.
 */
public final class Monorepo {

    private Monorepo() {
    }

    /** The app name of index {@code i}. */
    public static String app(int i) {
        return String.format("app-%03d", i);
    }

    /** Every file of the monorepo, repository-relative path to content. */
    public static Map<String, String> files(int apps, List<String> environments) {
        Map<String, String> files = new LinkedHashMap<>();
        for (int i = 0; i < apps; i++) {
            String app = app(i);
            String base = "apps/" + app + "/base/";
            files.put(base + "kustomization.yaml", "resources:\n  - deployment.yaml\n  - service.yaml\n  - configmap.yaml\n"
                    + "labels:\n  - pairs: { app: " + app + " }\n    includeSelectors: true\n");
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
                              envFrom:
                                - configMapRef: { name: web-config }
                    """);
            files.put(base + "service.yaml", "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n"
                    + "    - port: 80\n");
            files.put(base + "configmap.yaml", configMap("v1"));
            for (String env : environments) {
                files.put("apps/" + app + "/overlays/" + env + "/kustomization.yaml", "namespace: " + app + "-" + env
                        + "\nresources:\n  - ../../base\n");
            }
        }
        return files;
    }

    /** The base ConfigMap of an app, saying {@code version}: commit it to change one app's base. */
    public static Map<String, String> touchBase(int app, String version) {
        return Map.of("apps/" + app(app) + "/base/configmap.yaml", configMap(version));
    }

    private static String configMap(String version) {
        return "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web-config\ndata:\n  VERSION: \"" + version + "\"\n";
    }
}
