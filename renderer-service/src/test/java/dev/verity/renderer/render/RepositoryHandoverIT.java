package dev.verity.renderer.render;

import dev.verity.events.DesiredState;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.renderer.ShopFixture;
import dev.verity.renderer.git.GitMirror;
import dev.verity.renderer.render.RepositoryReconciler.Outcome;
import dev.verity.testkit.git.GitRepos;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One repository handed from one renderer replica to another while the first is publishing a render, against a real
 * repository and the in-process engine; the "topic" is one list both replicas append to, in order.
 */
class RepositoryHandoverIT {

    @TempDir
    Path tmp;

    /** What both replicas published, in order, as "replica target@commit". */
    private final List<String> topic = Collections.synchronizedList(new ArrayList<>());
    private final List<DesiredState> states = Collections.synchronizedList(new ArrayList<>());

    @Test
    void aRenderInFlightOnTheOldOwnerPublishesNothingAfterTheHandover() throws Exception {
        GitRepos repo = GitRepos.createBare(tmp.resolve("gitops.git"));
        String c1 = repo.commit("main", "v1", ShopFixture.app("shop", "v1"));
        AtomicReference<CountDownLatch> holdA = new AtomicReference<>();
        CountDownLatch aSending = new CountDownLatch(1);
        try (GitMirror mirrorA = GitMirror.open(repo.url(), "main", tmp.resolve("a"), Duration.ofSeconds(30));
                GitMirror mirrorB = GitMirror.open(repo.url(), "main", tmp.resolve("b"), Duration.ofSeconds(30))) {
            RepositoryReconciler a = replica("a", mirrorA, holdA, aSending);
            RepositoryReconciler b = replica("b", mirrorB, new AtomicReference<>(), new CountDownLatch(1));

            assertThat(b.reconcile(m -> { })).as("b owns nothing yet").isEqualTo(new Outcome.NotOwned());
            long termA = a.lease().assign();
            assertThat(a.takeOver(termA, this::lastPublished)).isTrue();
            assertThat(a.reconcile(m -> { })).isInstanceOf(Outcome.Rendered.class);
            assertThat(topic).containsExactly("a local/shop/dev@" + c1, "a local/shop/prod@" + c1);

            String c2 = repo.commit("main", "v2", ShopFixture.app("shop", "v2"));
            CountDownLatch kafkaAcknowledges = new CountDownLatch(1);
            holdA.set(kafkaAcknowledges); // a's next send waits for its acknowledgement
            CompletableFuture<Outcome> renderOnA = CompletableFuture.supplyAsync(() -> a.reconcile(m -> { }));
            aSending.await();

            // the group revokes a's partition: the callback returns once a's send in progress has ended
            Thread revoke = new Thread(() -> {
                a.lease().revoke();
                topic.add("revoked from a");
            });
            revoke.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> revoke.getState() == Thread.State.WAITING
                    || revoke.getState() == Thread.State.TERMINATED);
            kafkaAcknowledges.countDown();
            revoke.join();
            assertThat(renderOnA.get()).as("a's render stopped at its next send").isEqualTo(new Outcome.NotOwned());

            // b is assigned the partition after the revocation, reads what was published, and renders a newer head
            String c3 = repo.commit("main", "v3", ShopFixture.app("shop", "v3"));
            long termB = b.lease().assign();
            assertThat(b.takeOver(termB, this::lastPublished)).isTrue();
            assertThat(b.reconcile(m -> { })).isInstanceOf(Outcome.Rendered.class);

            assertThat(topic).containsExactly("a local/shop/dev@" + c1, "a local/shop/prod@" + c1,
                    "a local/shop/dev@" + c2, "revoked from a", "b local/shop/dev@" + c3, "b local/shop/prod@" + c3);

            // the repository comes back to a: its state is rebuilt from what b published, so nothing is republished
            b.lease().revoke();
            long again = a.lease().assign();
            assertThat(a.takeOver(again, this::lastPublished)).isTrue();
            Outcome back = a.reconcile(m -> { });
            assertThat(back).isInstanceOf(Outcome.Rendered.class);
            assertThat(((Outcome.Rendered) back).published()).as("c3 is already published: unchanged").isEmpty();
            assertThat(topic).hasSize(6);
            // and a takeover whose assignment was revoked meanwhile changes nothing
            long revoked = b.lease().assign();
            b.lease().revoke();
            assertThat(b.takeOver(revoked, this::lastPublished)).isFalse();
            assertThat(b.reconcile(m -> { })).isEqualTo(new Outcome.NotOwned());
        } finally {
            repo.close();
        }
    }

    /** A replica's reconciler: its own mirror and ledger, publishing to the shared topic (held while {@code hold} is set). */
    private RepositoryReconciler replica(String name, GitMirror mirror, AtomicReference<CountDownLatch> hold,
            CountDownLatch sending) {
        EventSink sink = new EventSink() {
            @Override
            public void publish(VerityEvent event) {
                CountDownLatch h = hold.getAndSet(null);
                if (h != null) {
                    sending.countDown();
                    try {
                        h.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (event instanceof DesiredState d) {
                    states.add(d);
                    topic.add(name + " " + d.target() + "@" + d.commit());
                } else {
                    topic.add(name + " " + event.type() + " " + event.key());
                }
            }

            @Override
            public void tombstone(TargetKey target) {
                topic.add(name + " tombstone " + target);
            }
        };
        return new RepositoryReconciler(mirror, new Renderer(Runnable::run, Duration.ofSeconds(60),
                Topics.DESIRED_MAX_MESSAGE_BYTES), sink, new PublishLedger(), RepositoryLease.unheld());
    }

    /** The last desired state per target, as a read of the desired-state topic to its end gives. */
    private List<DesiredState> lastPublished() {
        Map<TargetKey, DesiredState> last = new LinkedHashMap<>();
        synchronized (states) {
            for (DesiredState d : states) last.put(d.target(), d);
        }
        return List.copyOf(last.values());
    }
}
