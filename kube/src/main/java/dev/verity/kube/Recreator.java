package dev.verity.kube;

import dev.verity.events.ObjectRef;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.http.HttpResponse;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Deletes an object so that it can be created again with a changed immutable field: a DELETE with the live object's
 * {@code uid} as precondition (so an object someone else created again meanwhile is never deleted; the server
 * answers 409) and {@code propagationPolicy: Foreground} (its dependents, e.g. a Deployment's ReplicaSets, go
 * first), then a bounded wait until no object of that uid is left. It does not create the object again (the applier
 * does), and never deletes PersistentVolumeClaims, Namespaces or CustomResourceDefinitions
 * ({@link Immutability#NEVER_RECREATED}): the caller checks that.
 */
final class Recreator {

    private static final Duration POLL = Duration.ofMillis(100);
    private static final long REQUEST_TIMEOUT_SECONDS = 30;

    private final KubernetesClient client;
    private final Duration goneTimeout;

    Recreator(KubernetesClient client, Duration goneTimeout) {
        this.client = Objects.requireNonNull(client, "client");
        this.goneTimeout = Objects.requireNonNull(goneTimeout, "goneTimeout");
    }

    /** Deletes the object of {@code uid} and waits until it is gone: empty once it is, else why not (no object content). */
    Optional<String> delete(PlannedObject object, String uid) {
        ObjectRef ref = object.ref();
        String options = "{\"kind\":\"DeleteOptions\",\"apiVersion\":\"v1\",\"propagationPolicy\":\"Foreground\","
                + "\"preconditions\":{\"uid\":\"" + uid + "\"}}";
        HttpResponse<String> response;
        try {
            response = client.getHttpClient().sendAsync(client.getHttpClient().newHttpRequestBuilder()
                    .uri(client.getMasterUrl().toString().replaceAll("/$", "")
                            + Pruner.path(object.type(), ref.namespace(), ref.name()))
                    .method("DELETE", "application/json", options)
                    .timeout(REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS).build(), String.class)
                    .get(REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.of("interrupted while deleting it to recreate it");
        } catch (ExecutionException | TimeoutException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            return Optional.of("it could not be deleted to recreate it: the API server could not be reached ("
                    + cause.getClass().getSimpleName() + ": " + cause.getMessage() + ")");
        }
        int code = response.code();
        if (code == 409) {
            return Optional.of("it was deleted and created again by someone else while Verity was recreating it (uid"
                    + " precondition " + uid + " failed); it was left as it is: push again to apply it");
        }
        if (code != 200 && code != 202 && code != 404) {
            return Optional.of("it could not be deleted to recreate it: the API server answered " + code
                    + (Applier.isSecret(ref) || response.body() == null ? "" : ": " + response.body()));
        }
        return awaitGone(object, uid);
    }

    private Optional<String> awaitGone(PlannedObject object, String uid) {
        long start = System.nanoTime();
        while (true) {
            GenericKubernetesResource live;
            try {
                live = Applier.operation(client, object.type(), object.ref().namespace())
                        .withName(object.ref().name()).get();
            } catch (KubernetesClientException e) {
                return Optional.of("it was deleted to recreate it, but could not be read to see it gone: "
                        + Applier.reason(object.ref(), e));
            }
            if (live == null || !uid.equals(live.getMetadata().getUid())) return Optional.empty();
            Duration waited = Duration.ofNanos(System.nanoTime() - start);
            if (waited.compareTo(goneTimeout) >= 0) {
                return Optional.of("it was deleted to recreate it, but is still there after " + Applier.seconds(waited)
                        + " (finalizers: " + live.getMetadata().getFinalizers() + "); it was not created again:"
                        + " check what holds it (its finalizers, the garbage collector), then push again");
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.of("interrupted while waiting for it to be gone to recreate it");
            }
        }
    }
}
