package dev.verity.applier;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Configuration of the applier ({@code verity.applier.*}). Topic names are the channels' ({@code desired},
 * {@code rollout}) {@code mp.messaging.*.topic} properties; the desired-state topic defaults to
 * {@code verity.desired.${verity.applier.cluster}}.
 */
@ConfigMapping(prefix = "verity.applier")
public interface ApplierConfig {

    /**
     * The cluster this applier converges (e.g. {@code local}, {@code prod-eu}): it reads
     * {@code verity.desired.<cluster>} and applies only targets of this cluster. Required.
     */
    String cluster();

    /**
     * A kubeconfig file to reach the cluster with (its current context). When absent, the Quarkus Kubernetes
     * client configuration applies ({@code quarkus.kubernetes-client.*}, {@code ~/.kube/config}, or the in-cluster
     * service account).
     */
    Optional<Path> kubeconfig();

    /**
     * How long one attempt to publish an event waits for Kafka's acknowledgement before it is tried again
     * ({@link RolloutOutbox}); also how long a stopping applier waits for its queued events.
     */
    @WithDefault("15s")
    Duration publishTimeout();

    /** The longest wait between two attempts to publish an event while Kafka does not take it. */
    @WithDefault("30s")
    Duration publishRetryMaxDelay();

    /**
     * How many bytes of encoded events may wait for Kafka; at the bound the applier applies nothing more until Kafka
     * takes them (no event is dropped).
     */
    @WithDefault("67108864")
    long outboxMaxBytes();

    /**
     * How long a custom resource waits for the CustomResourceDefinition applied just before it to become
     * Established (the API server serves its kind only then); past it the target fails naming the CRD.
     */
    @WithDefault("30s")
    Duration crdEstablishedTimeout();

    /**
     * The namespace where the applier keeps each target's inventory (a ConfigMap per target: what Verity applied,
     * and so what it may prune). Created when missing; the applier's credentials need ConfigMap access there.
     */
    @WithDefault("verity-system")
    String inventoryNamespace();

    /**
     * How long a target's desired state waits when it takes over an object that its previous target's latest desired
     * state, from an older commit of the same repository, still contains (the object moved in one commit and the
     * old target's new desired state has not arrived yet). Past it the target fails naming both targets.
     */
    @WithDefault("60s")
    Duration moveWait();

    /**
     * The session timeout of the applier's leadership group ({@code verity.leader.applier.<cluster>}): how long after
     * the active applier dies a standby takes over (active/standby, one applier per cluster applies at a time).
     * The broker accepts 6 s to 30 min by default ({@code group.min/max.session.timeout.ms}).
     */
    @WithDefault("10s")
    Duration leaderSessionTimeout();

    /**
     * How long an object deleted to be recreated (an immutable field changed and the target's policy says
     * {@code recreate: true}) may take to be gone (finalizers) before the target fails naming it.
     */
    @WithDefault("60s")
    Duration recreateTimeout();

    /**
     * The field managers whose ownership of the fields Verity applies is taken over when Verity first applies an
     * object they made ({@code kubectl create}, client-side {@code kubectl apply}, {@code kubectl edit}), so that a
     * field later removed from Git is removed from the cluster. Never list a controller here.
     */
    @WithDefault("kubectl-client-side-apply,kubectl-create,kubectl,before-first-apply,kubectl-edit")
    List<String> adoptedManagers();

    /**
     * How often the active applier reads the status of the objects it applied that are not ready yet (Deployments
     * rolling out, Jobs running, ...), until each target is Healthy or Degraded (its policy's {@code healthTimeout}).
     */
    @WithDefault("2s")
    Duration healthPollInterval();


    /**
     * Self-heal ({@code selfHeal: true}) applies a drifted target again at most once per this interval; drift
     * reported sooner is healed when it is over.
     */
    @WithDefault("10s")
    Duration selfHealMinInterval();

    /** Retries of a transient failure ({@link Transience}): per Kubernetes request, and of a whole target. */
    Retry retry();

    /**
     * How transient failures are retried. A request the API server answers 429 or 5xx, or that gets no answer, is
     * sent again by the Kubernetes client itself ({@code requestRetries} times, exponential backoff from
     * {@code requestInterval}, waiting at least the {@code Retry-After} the server sent). An apply that still fails
     * transiently (or meets a 409 optimistic-lock conflict, which needs the objects read again) is done again as a
     * whole up to {@code maxRetries} times, with exponential backoff from {@code delay} up to {@code maxDelay} and
     * random {@code jitter}; what still fails is tried again every {@code retryInterval} of the target's policy.
     */
    interface Retry {
        /** How often the Kubernetes client sends one request again after a 429, a 5xx or no answer. */
        @WithDefault("5")
        int requestRetries();

        /** The first wait before a request is sent again (doubling up to 32 times it; never less than Retry-After). */
        @WithDefault("250ms")
        Duration requestInterval();

        /** How often a target whose apply failed transiently is applied again at once. */
        @WithDefault("3")
        int maxRetries();

        /** The first wait before a target is applied again; doubled each time. */
        @WithDefault("2s")
        Duration delay();

        /** The longest wait between two applies of a target. */
        @WithDefault("30s")
        Duration maxDelay();

        /** Up to this much is added to or taken from each wait at random, so that targets do not retry in step. */
        @WithDefault("500ms")
        Duration jitter();
    }
}
