package dev.verity.stack;

import dev.verity.testkit.forge.StatusCall;
import dev.verity.testkit.slack.SlackMessage;
import io.fabric8.kubernetes.api.model.apps.Deployment;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/** {@code ./verity demo}: the {@link DemoStory}, told step by step; true only if every step checked out. */
final class DemoNarration {
    private final DemoStory story;
    private final Console out;
    private final AlertFeed feed;

    DemoNarration(LocalStack stack, Console out, Duration timeout) {
        this.story = new DemoStory(stack, timeout);
        this.out = out;
        this.feed = new AlertFeed(stack, out);
    }

    boolean run() {
        try {
            out.step(1, "A developer changes the prod overlay and pushes; the forge sends its signed webhook.");
            LocalForge.Push release = story.pushReleaseToProd("hello from the demo");
            out.ok("pushed " + release.after().substring(0, 12) + " (" + release.message() + "); the receiver answered 202");

            out.step(2, "Verity renders local/shop/prod at that commit, applies it to the cluster, and tells the forge.");
            Deployment web = story.awaitProdAt(release.after(), "hello from the demo");
            out.ok("Deployment shop-prod/web is in the cluster, replicas " + web.getSpec().getReplicas()
                    + ", annotated verity.dev/target=local/shop/prod");
            List<StatusCall> rendering = story.awaitRenderStatus(release.after(), "success", "local/shop/prod");
            List<StatusCall> released = story.awaitCommitStatus(release.after(), "success", "Applied and healthy");
            if (!"pending".equals(rendering.get(0).state()) || !"pending".equals(released.get(0).state())) {
                out.fail("the forge's first statuses of " + release.after().substring(0, 12) + " were not pending: "
                        + rendering.stream().map(StatusCall::readable).toList() + ", "
                        + released.stream().map(StatusCall::readable).toList());
                return false;
            }
            out.ok("the forge shows " + release.after().substring(0, 12) + " verity/render: "
                    + String.join(" → ", rendering.stream().map(StatusCall::state).toList())
                    + "; verity/local/shop/prod: " + String.join(" → ", released.stream().map(StatusCall::state).toList()));
            feed.printNew();

            out.step(3, "Someone scales it by hand, behind Verity's back (kubectl scale --replicas=7).");
            int inGit = web.getSpec().getReplicas();
            DemoStory.AlertMark beforeDrift = story.mark();
            story.scaleBehindVerityBack(7);
            out.ok("spec.replicas is now 7 in the cluster, " + inGit + " in Git");

            out.step(4, "The drift monitor notices; the notifier opens an incident on Slack and by e-mail.");
            SlackMessage incident = story.awaitSlackAlert(beforeDrift, "the drift", "shop-prod/web", "spec.replicas");
            out.ok("Slack alert names Deployment shop-prod/web and spec.replicas");
            story.awaitEmailAlert(beforeDrift, "the drift", "shop-prod/web", "spec.replicas");
            out.ok("e-mail alert names Deployment shop-prod/web and spec.replicas");
            feed.printNew();

            out.step(5, "Someone puts it back (kubectl scale --replicas=" + inGit + "); the incident is resolved in its thread.");
            story.putBackReplicas(inGit);
            SlackMessage resolved = story.awaitResolvedInThread(incident, "drift");
            out.ok("a reply in the incident's Slack thread says it is resolved, and its first message was edited: "
                    + resolved.readableText().lines().findFirst().orElse(""));
            feed.printNew();

            out.step(6, "A developer pushes a prod overlay that does not build.");
            Map<String, String> before = story.prodObjects();
            DemoStory.AlertMark beforeBroken = story.mark();
            LocalForge.Push broken = story.pushBrokenProdOverlay();
            out.ok("pushed " + broken.after().substring(0, 12) + " (" + broken.message() + ")");

            out.step(7, "Verity refuses to render it, alerts, marks the commit failed on the forge, and leaves the cluster as it was.");
            story.awaitSlackAlert(beforeBroken, "the render failure", "local/shop/prod", "hpa.yaml");
            out.ok("Slack alert names local/shop/prod and the missing hpa.yaml");
            story.awaitEmailAlert(beforeBroken, "the render failure", "local/shop/prod", "hpa.yaml");
            out.ok("e-mail alert names local/shop/prod and the missing hpa.yaml");
            StatusCall failed = story.awaitCommitStatus(broken.after(), "failure", "RenderFailed").get(0);
            out.ok("the forge shows " + failed.readable());
            Map<String, String> after = story.prodObjects();
            if (!after.equals(before)) {
                out.fail("the prod objects changed after a failed render: before " + before + ", after " + after);
                return false;
            }
            out.ok("every prod object is exactly as it was: " + before.keySet());
            feed.printNew();
            out.say("");
            out.say("Demo passed: every step checked out.");
            return true;
        } catch (Waiter.StepFailed e) {
            out.fail(e.getMessage());
            feed.printNew();
            out.say("Demo FAILED. Service logs are in the work directory's logs/ folder.");
            return false;
        }
    }
}
