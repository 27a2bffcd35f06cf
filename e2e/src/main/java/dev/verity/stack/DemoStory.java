package dev.verity.stack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verity.events.Applied;
import dev.verity.events.Decoded;
import dev.verity.events.EventFormatException;
import dev.verity.events.Digests;
import dev.verity.events.EventCodec;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.testkit.mail.ReceivedMail;
import dev.verity.testkit.forge.StatusCall;
import dev.verity.testkit.slack.SlackMessage;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.utils.Serialization;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The story Verity exists for, step by step, against a running {@link LocalStack}: a push reaches the cluster and
 * its commit shows success on the forge, a change made behind Verity's back is alerted on Slack and by e-mail and
 * resolved in the same thread once it is put back, and a broken push leaves the cluster as it was, is alerted, and
 * shows failure on the forge. {@code ./verity demo} narrates it; the end-to-end test asserts on what each step
 * returns. Each step checks its own outcome and throws {@link Waiter.StepFailed} saying what it missed.
 */
public final class DemoStory {

    public static final String NAMESPACE = "shop-prod";
    public static final String DEPLOYMENT = "web";
    public static final TargetKey PROD = new TargetKey(LocalStack.CLUSTER, "shop", "prod");
    public static final String PROD_OVERLAY = "apps/shop/overlays/prod/kustomization.yaml";

    private final LocalStack stack;
    private final Duration timeout;

    public DemoStory(LocalStack stack, Duration timeout) {
        this.stack = stack;
        this.timeout = timeout;
    }

    /** Step 1: commit a change to the prod overlay, push it with the signed webhook; returns the commit. */
    public LocalForge.Push pushReleaseToProd(String greeting) {
        LocalForge.Push push = stack.forge().pushEdit("prod: greet with '" + greeting + "'", PROD_OVERLAY,
                overlay -> replace(overlay, "GREETING=[^\\n]*", "GREETING=" + greeting));
        int status = stack.forge().sendWebhook(push);
        if (status != 202) {
            throw new Waiter.StepFailed("the webhook receiver answered " + status + " to the signed push webhook, not 202; see "
                    + stack.services().get("webhook-receiver").log());
        }
        return push;
    }

    /**
     * Step 2: waits until the applier reported {@code local/shop/prod} {@code Applied} at {@code commit} and the
     * cluster runs the prod Deployment, annotated by Verity, with {@code greeting} in its ConfigMap.
     */
    public Deployment awaitProdAt(String commit, String greeting) {
        KubernetesClient kube = stack.sandbox().client();
        return Waiter.until("Deployment " + NAMESPACE + "/" + DEPLOYMENT + " to be applied by Verity at "
                        + TargetKey.shortSha(commit) + " with greeting '" + greeting + "'",
                timeout, () -> Optional.ofNullable(kube.apps().deployments().inNamespace(NAMESPACE).withName(DEPLOYMENT).get())
                        .filter(d -> PROD.toString().equals(annotation(d, "verity.dev/target")))
                        .filter(d -> configMapOf(kube, d).map(data -> greeting.equals(data.get("GREETING"))).orElse(false))
                        .filter(d -> appliedAt(commit)),
                () -> describe(kube.apps().deployments().inNamespace(NAMESPACE).withName(DEPLOYMENT).get())
                        + ", Applied reported for " + PROD + " at " + appliedCommits());
    }

    /**
     * Waits until the stack has applied what the repository held when it started (the renderer renders the branch
     * head when it is given the repository, before any webhook): a push made before that may be rendered by that
     * first render rather than by its webhook, which is right, but not what a step about the webhook observes.
     */
    public void awaitFirstRollout() {
        Waiter.until("the first rollout of " + PROD + " (what the repository held at the start)", timeout,
                () -> appliedCommits().isEmpty() ? Optional.empty() : Optional.of(true),
                () -> "no Applied reported for " + PROD + " on " + Topics.ROLLOUT);
    }

    private boolean appliedAt(String commit) {
        return appliedCommits().contains(commit);
    }

    /**
     * The commits the applier reported {@code Applied} for the prod target, from {@code verity.rollout}; records that
     * are not Verity events (a poison record, as the services dead-letter it) are passed over, as consumers do.
     */
    private List<String> appliedCommits() {
        EventCodec codec = new EventCodec();
        List<String> commits = new ArrayList<>();
        for (String value : stack.kafka().readValues(Topics.ROLLOUT)) {
            try {
                if (codec.read(value) instanceof Decoded.Known k && k.envelope().event() instanceof Applied a
                        && a.target().equals(PROD)) {
                    commits.add(a.commit());
                }
            } catch (EventFormatException e) {
                // not an event: the services send it to verity.rollout.dlq
            }
        }
        return commits;
    }

    /** Step 3: someone scales the Deployment by hand, as {@code kubectl scale} would. Returns the replicas set. */
    public int scaleBehindVerityBack(int replicas) {
        stack.sandbox().client().apps().deployments().inNamespace(NAMESPACE).withName(DEPLOYMENT).scale(replicas);
        return replicas;
    }

    /**
     * The prod objects of the cluster, by kind/name, each with a fingerprint of everything but its status,
     * resourceVersion and managedFields (the sandbox's simulated rollout keeps writing status, as a real controller
     * does, which touches all three): to show a failed push changed nothing.
     */
    public Map<String, String> prodObjects() {
        KubernetesClient kube = stack.sandbox().client();
        Map<String, String> objects = new TreeMap<>();
        List<HasMetadata> all = new ArrayList<>();
        all.addAll(kube.apps().deployments().inNamespace(NAMESPACE).list().getItems());
        all.addAll(kube.services().inNamespace(NAMESPACE).list().getItems());
        all.addAll(kube.configMaps().inNamespace(NAMESPACE).list().getItems());
        for (HasMetadata o : all) {
            ObjectNode tree = Serialization.jsonMapper().valueToTree(o);
            tree.remove("status");
            ((ObjectNode) tree.get("metadata")).remove(List.of("resourceVersion", "managedFields"));
            objects.put(o.getKind() + "/" + o.getMetadata().getName(),
                    Digests.hex(tree.toString()).substring(0, 16));
        }
        return objects;
    }

    /** Puts the Deployment's replicas back by hand (the fix of a drift: what Git says). */
    public void putBackReplicas(int replicas) {
        scaleBehindVerityBack(replicas);
    }

    /**
     * Waits for the commit's status on the local forge, context {@code verity/local/shop/prod}, to be {@code state}
     * ({@code pending}, {@code success}, {@code failure}, {@code error}), with {@code words} in its description; returns
     * every status the commit got there, in order.
     */
    public List<StatusCall> awaitCommitStatus(String commit, String state, String... words) {
        return awaitCommitStatus("verity/" + PROD, commit, state, words);
    }

    /**
     * As {@link #awaitCommitStatus(String, String, String...)} for the commit's rendering, context
     * {@code verity/render}: pending from the push on, then success (or failure) once the renderer rendered it.
     */
    public List<StatusCall> awaitRenderStatus(String commit, String state, String... words) {
        return awaitCommitStatus("verity/render", commit, state, words);
    }

    private List<StatusCall> awaitCommitStatus(String context, String commit, String state, String... words) {
        Waiter.until("the forge to show commit " + TargetKey.shortSha(commit) + " as " + state + " for " + context
                        + " mentioning " + List.of(words), timeout,
                () -> stack.forgeStatuses().statuses(commit).stream()
                        .filter(c -> context.equals(c.context()) && state.equals(c.state())
                                && containsAll(c.description() == null ? "" : c.description(), words)).findFirst(),
                () -> stack.forgeStatuses().calls().stream().map(StatusCall::readable).toList().toString());
        return stack.forgeStatuses().statuses(commit).stream().filter(c -> context.equals(c.context())).toList();
    }

    /**
     * Waits for a reply in the thread of {@code incident} (its first Slack message) saying it is resolved, and for
     * that first message to have been edited to say so; returns the reply.
     */
    public SlackMessage awaitResolvedInThread(SlackMessage incident, String what) {
        return Waiter.until("the " + what + " incident to be resolved in its Slack thread", timeout,
                () -> stack.slack().replies(incident.ts()).stream().filter(m -> m.readableText().contains("Resolved"))
                        .findFirst()
                        .filter(reply -> stack.slack().messages().stream()
                                .filter(m -> m.ts().equals(incident.ts())).findFirst()
                                .map(root -> !root.edits().isEmpty()
                                        && root.readableText().toLowerCase(java.util.Locale.ROOT).contains("resolved"))
                                .orElse(false)),
                () -> "replies " + stack.slack().replies(incident.ts()).stream().map(SlackMessage::readableText).toList()
                        + "; first message now: " + stack.slack().messages().stream()
                        .filter(m -> m.ts().equals(incident.ts())).map(SlackMessage::readableText).findFirst().orElse("?"));
    }

    /** Step 5: pushes a prod overlay that does not build (it names a file that is not in the repo). */
    public LocalForge.Push pushBrokenProdOverlay() {
        LocalForge.Push push = stack.forge().pushEdit("prod: add a resource file that was never committed", PROD_OVERLAY,
                overlay -> replace(overlay, "  - namespace.yaml\\n", "  - namespace.yaml\n  - hpa.yaml\n"));
        int status = stack.forge().sendWebhook(push);
        if (status != 202) {
            throw new Waiter.StepFailed("the webhook receiver answered " + status + " to the signed push webhook, not 202");
        }
        return push;
    }

    /** The number of Slack messages and e-mails received so far: later steps look only at what comes after. */
    public AlertMark mark() {
        return new AlertMark(stack.slack().messages().size(), stack.smtp().receivedMessages().size());
    }

    /** Where the alert feeds stood at some moment. */
    public record AlertMark(int slackMessages, int mails) {
    }

    /** Waits for a Slack message after {@code since} whose readable text contains every one of {@code words}. */
    public SlackMessage awaitSlackAlert(AlertMark since, String what, String... words) {
        return Waiter.until("a Slack alert about " + what + " mentioning " + List.of(words), timeout,
                () -> newSlack(since).stream().filter(m -> containsAll(m.readableText(), words)).findFirst(),
                () -> newSlack(since).stream().map(SlackMessage::readableText).toList().toString());
    }

    /** Waits for an e-mail after {@code since} whose subject and body together contain every one of {@code words}. */
    public ReceivedMail awaitEmailAlert(AlertMark since, String what, String... words) {
        return Waiter.until("an e-mail alert about " + what + " mentioning " + List.of(words), timeout,
                () -> newMail(since).stream().filter(m -> containsAll(m.subject() + "\n" + m.text(), words)).findFirst(),
                () -> newMail(since).stream().map(ReceivedMail::subject).toList().toString());
    }

    private List<SlackMessage> newSlack(AlertMark since) {
        List<SlackMessage> all = stack.slack().messages();
        return all.subList(Math.min(since.slackMessages(), all.size()), all.size());
    }

    private List<ReceivedMail> newMail(AlertMark since) {
        List<ReceivedMail> all = stack.smtp().receivedMessages();
        return all.subList(Math.min(since.mails(), all.size()), all.size());
    }

    private static boolean containsAll(String text, String... words) {
        for (String w : words) {
            if (!text.contains(w)) return false;
        }
        return true;
    }

    public Duration timeout() {
        return timeout;
    }

    static String annotation(HasMetadata o, String key) {
        Map<String, String> a = o.getMetadata().getAnnotations();
        return a == null ? null : a.get(key);
    }

    private static Optional<Map<String, String>> configMapOf(KubernetesClient kube, Deployment d) {
        return d.getSpec().getTemplate().getSpec().getContainers().stream()
                .flatMap(c -> c.getEnvFrom() == null ? Stream.empty() : c.getEnvFrom().stream())
                .filter(e -> e.getConfigMapRef() != null).map(e -> e.getConfigMapRef().getName()).findFirst()
                .map(name -> kube.configMaps().inNamespace(NAMESPACE).withName(name).get())
                .map(cm -> cm.getData());
    }

    private static String describe(Deployment d) {
        if (d == null) return "no Deployment " + NAMESPACE + "/" + DEPLOYMENT;
        return "Deployment " + NAMESPACE + "/" + DEPLOYMENT + " resourceVersion " + d.getMetadata().getResourceVersion()
                + ", target annotation " + annotation(d, "verity.dev/target");
    }

    private static String replace(String content, String regex, String replacement) {
        String changed = content.replaceFirst(regex, replacement);
        if (changed.equals(content)) throw new IllegalStateException(PROD_OVERLAY + " has nothing matching " + regex);
        return changed;
    }
}
