package dev.verity.drift;

import dev.verity.drift.core.Observation;
import dev.verity.events.ObjectRef;
import dev.verity.kube.Kubeconfig;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ManagedFieldsEntry;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.quarkus.runtime.Startup;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.time.Instant;
import java.time.format.DateTimeParseException;

/**
 * Reads and watches objects in the cluster. Read-only by construction: this is the drift monitor's only access to
 * the cluster, and it only gets and watches.
 */
@Startup
@ApplicationScoped
public class ClusterReader {

    private static final Logger LOG = Logger.getLogger(ClusterReader.class);

    @Inject
    DriftConfig config;

    @Inject
    Instance<KubernetesClient> quarkusClient;

    private KubernetesClient client;
    private boolean ownClient;

    @PostConstruct
    void connect() {
        if (config.kubeconfig().isPresent()) {
            Config kubeconfig = Kubeconfig.load(config.kubeconfig().get(), "verity.drift.kubeconfig");
            client = new KubernetesClientBuilder().withConfig(kubeconfig).build();
            ownClient = true;
        } else {
            client = quarkusClient.get();
        }
        LOG.infof("reading cluster at %s (read-only)", client.getMasterUrl());
    }

    @PreDestroy
    void close() {
        if (ownClient) client.close();
    }

    /** The object as the cluster holds it now. */
    public Observation read(ObjectRef ref) {
        HasMetadata live = resource(ref).get();
        if (live == null) return Observation.absent();
        return Observation.present(client.getKubernetesSerialization().asJson(live),
                live.getMetadata() == null ? "" : live.getMetadata().getResourceVersion(), lastWrite(live));
    }

    /** The latest {@code time} in the object's managedFields: when it was last written (whole seconds), or null. */
    static Instant lastWrite(HasMetadata live) {
        if (live.getMetadata() == null || live.getMetadata().getManagedFields() == null) return null;
        Instant latest = null;
        for (ManagedFieldsEntry entry : live.getMetadata().getManagedFields()) {
            if (entry.getTime() == null) continue;
            try {
                Instant time = Instant.parse(entry.getTime());
                if (latest == null || time.isAfter(latest)) latest = time;
            } catch (DateTimeParseException notATime) {
                // a time this reader cannot parse tells nothing
            }
        }
        return latest;
    }

    /** What a failed read says about itself, for {@code DriftUnknown}: the status code and message, no content. */
    static String reason(RuntimeException e) {
        if (e instanceof KubernetesClientException k && k.getCode() > 0) {
            String message = k.getStatus() != null && k.getStatus().getMessage() != null ? k.getStatus().getMessage()
                    : k.getMessage();
            return k.getCode() + " " + message;
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /**
     * Watches one object; {@code onChange} runs on every event about it and when the watch closes with an error
     * (the caller then reads the object and re-watches).
     */
    public Watch watch(ObjectRef ref, Runnable onChange, Runnable onClosed) {
        return resource(ref).watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, HasMetadata resource) {
                onChange.run();
            }

            @Override
            public void onClose(WatcherException cause) {
                LOG.debugf("watch of %s closed: %s", ref, cause.getMessage());
                onClosed.run();
            }
        });
    }

    /** A resource handle: built-in kinds through their typed model, others through API discovery. */
    @SuppressWarnings("unchecked")
    private Resource<HasMetadata> resource(ObjectRef ref) {
        GenericKubernetesResource stub = new GenericKubernetesResource();
        stub.setApiVersion(ref.apiVersion());
        stub.setKind(ref.kind());
        stub.setMetadata(new ObjectMetaBuilder().withName(ref.name()).withNamespace(ref.namespace()).build());
        var serialization = client.getKubernetesSerialization();
        HasMetadata item = serialization.unmarshal(serialization.asJson(stub));
        var handle = client.resource(item);
        return (Resource<HasMetadata>) (ref.namespace() == null ? handle : handle.inNamespace(ref.namespace()));
    }
}
