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

    /** How long to wait for Kafka to acknowledge an {@code Applied} or {@code ApplyFailed} event. */
    @WithDefault("15s")
    Duration publishTimeout();

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
}
