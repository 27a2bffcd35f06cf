package dev.verity.applier;

import dev.verity.kube.AllowedWriters;
import dev.verity.kube.Applier;
import dev.verity.kube.ApplyOptions;
import dev.verity.kube.Kubeconfig;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The client of the cluster this applier converges: from {@code verity.applier.kubeconfig} when set. The client
 * retries single requests on 429, 5xx and connection loss ({@code verity.applier.retry.request-*}; see
 * {@link ApplyRetry} for the layers of retries) and counts those errors ({@link RequestRetries}).
 */
@Singleton
public class ClusterClient {

    private static final Logger LOG = Logger.getLogger(ClusterClient.class);

    /** Built at start-up, so that a bad kubeconfig stops the applier instead of failing each desired state. */
    @Produces
    @Singleton
    @Startup
    KubernetesClient kubernetesClient(Config quarkusConfig, KubernetesSerialization serialization, ApplierConfig config,
            ApplyMetrics metrics) {
        Config clientConfig = config.kubeconfig()
                .map(path -> Kubeconfig.load(path, "verity.applier.kubeconfig")).orElse(quarkusConfig);
        // one request the API server answers 429 or 5xx, or that gets no answer, is sent again by the client:
        // exponential backoff from requestInterval, never sooner than the Retry-After the server sent (ApplyRetry)
        clientConfig.setRequestRetryBackoffLimit(config.retry().requestRetries());
        clientConfig.setRequestRetryBackoffInterval((int) config.retry().requestInterval().toMillis());
        LOG.infof("cluster %s: Kubernetes API %s (%s)", config.cluster(), clientConfig.getMasterUrl(),
                config.kubeconfig().map(p -> "kubeconfig " + p).orElse("Quarkus kubernetes-client configuration"));
        return new KubernetesClientBuilder().withKubernetesSerialization(serialization).withConfig(clientConfig)
                .withHttpClientBuilderConsumer(http -> http.addOrReplaceInterceptor(RequestRetries.NAME,
                        new RequestRetries(metrics, config.cluster())))
                .build();
    }

    void close(@Disposes KubernetesClient client) {
        client.close();
    }

    @Produces
    @Singleton
    Applier applier(KubernetesClient client, ApplierConfig config,
            @ConfigProperty(name = "verity.allowed-writers", defaultValue = AllowedWriters.DEFAULT_CONFIG) String writers) {
        return new Applier(client, ApplyOptions.DEFAULT.withEstablishedTimeout(config.crdEstablishedTimeout())
                .withInventoryNamespace(config.inventoryNamespace()).withRecreateTimeout(config.recreateTimeout())
                .withAdoptedManagers(config.adoptedManagers()).withAllowedWriters(AllowedWriters.parse(writers)));
    }
}
