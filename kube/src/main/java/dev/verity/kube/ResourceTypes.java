package dev.verity.kube;

import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Resolves the {@link ResourceType} (plural and scope) of each kind, looking in this order: the
 * CustomResourceDefinitions of the desired state itself (their objects can be planned before the CRD exists),
 * the Kubernetes built-in kinds, then the cluster's discovery API.
 */
public final class ResourceTypes {

    /** Asks the cluster which kinds it serves; empty when it serves no such kind. */
    @FunctionalInterface
    public interface Discovery {
        Optional<ResourceType> find(String apiVersion, String kind);

        Discovery NONE = (apiVersion, kind) -> Optional.empty();
    }

    private static final KubernetesSerialization BUILT_IN = new KubernetesSerialization();

    private final Map<String, ResourceType> declared = new HashMap<>();
    private final Discovery discovery;

    private ResourceTypes(List<Manifest> manifests, Discovery discovery) {
        this.discovery = discovery;
        for (Manifest m : manifests) {
            if (Stage.of(m) == Stage.CUSTOM_RESOURCE_DEFINITIONS) declare(m);
        }
    }

    public static ResourceTypes of(List<Manifest> manifests, Discovery discovery) {
        return new ResourceTypes(manifests, discovery);
    }

    public Optional<ResourceType> resolve(String apiVersion, String kind) {
        ResourceType fromCrd = declared.get(apiVersion + "|" + kind);
        if (fromCrd != null) return Optional.of(fromCrd);
        Optional<ResourceType> builtIn = builtIn(apiVersion, kind);
        if (builtIn.isPresent()) return builtIn;
        return discovery.find(apiVersion, kind);
    }

    /** A kind Kubernetes itself defines (as the fabric8 model knows it). */
    public static Optional<ResourceType> builtIn(String apiVersion, String kind) {
        Class<? extends KubernetesResource> type = BUILT_IN.getRegisteredKubernetesResource(apiVersion, kind);
        if (type == null) return Optional.empty();
        ResourceDefinitionContext context = ResourceDefinitionContext.fromResourceType(type);
        return Optional.of(new ResourceType(Manifest.groupOf(apiVersion), Manifest.versionOf(apiVersion), kind,
                context.getPlural(), context.isNamespaceScoped()));
    }

    @SuppressWarnings("unchecked")
    private void declare(Manifest crd) {
        if (!(crd.content().get("spec") instanceof Map<?, ?> spec)) return;
        if (!(spec.get("group") instanceof String group)) return;
        if (!(spec.get("names") instanceof Map<?, ?> names)) return;
        if (!(names.get("kind") instanceof String kind) || !(names.get("plural") instanceof String plural)) return;
        boolean namespaced = !"Cluster".equals(spec.get("scope"));
        if (!(spec.get("versions") instanceof List<?> versions)) return;
        for (Object v : versions) {
            if (v instanceof Map<?, ?> version && version.get("name") instanceof String name) {
                declared.put(group + "/" + name + "|" + kind, new ResourceType(group, name, kind, plural, namespaced));
            }
        }
    }
}
