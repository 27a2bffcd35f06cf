package dev.verity.reliability;

import dev.verity.events.RenderFailed;
import dev.verity.events.Topics;
import dev.verity.stack.DemoStory;
import dev.verity.stack.LocalForge;
import dev.verity.testkit.git.GitRepos;
import dev.verity.testkit.slack.SlackMessage;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Pushes that cannot render, one after the other, each followed by a good push: malformed YAML, a YAML alias bomb
 * ("billion laughs"), a manifest over the renderer's desired-state size limit ({@code verity.renderer.max-desired-state-size},
 * lowered to 1 MiB in the suite), a kustomization whose resources climb outside the repository, a symbolic link
 * pointing outside the repository, and a render that never ends (bases that include the next level twice, 2^30
 * builds: it ends at the renderer's deadline, {@code verity.renderer.render-timeout}, 10 s in the suite). For each:
 * a {@code RenderFailed} for {@code local/shop/prod} at the commit whose error names the problem and the file or
 * link, the cluster's prod objects unchanged, an alert on Slack, and the next good push applied.
 */
public final class RenderFaultScenario implements Scenario {

    static final String OVERLAY_DIR = "apps/shop/overlays/prod";
    private static final String NAMESPACE_FILE = OVERLAY_DIR + "/namespace.yaml";
    /** Levels of the never-ending render: each lists the next twice, so the engine builds the last one 2^LEVELS times. */
    private static final int LEVELS = 30;

    @Override
    public String name() {
        return "render faults";
    }

    /** One bad change: what it does to the branch, the words its RenderFailed must hold, the files it adds. */
    private record Case(String name, Consumer<GitRepos.Commit> change, List<String> added, String... reasonWords) {
    }

    @Override
    public void steps(SuiteContext ctx, ScenarioResult.Builder b) {
        LocalForge forge = ctx.stack().forge();
        String overlay = forge.read(DemoStory.PROD_OVERLAY).orElseThrow(() -> new IllegalStateException(DemoStory.PROD_OVERLAY + " is not on main"));
        String namespace = forge.read(NAMESPACE_FILE).orElseThrow(() -> new IllegalStateException(NAMESPACE_FILE + " is not on main"));
        List<Case> cases = cases(overlay, namespace);
        Duration wait = ctx.options().timeout();
        DemoStory story = ctx.story();
        Instant start = Instant.now();
        int events = 0;
        int deathsBefore = ctx.supervisorLines().size();
        // the cluster as a good commit left it (run alone, the first rollout may still be under way)
        story.awaitFirstRollout();
        SuiteContext.awaitTrue(wait, () -> story.prodObjects().containsKey("Deployment/" + DemoStory.DEPLOYMENT));
        // a scenario before may have made the target's render incident flap already
        Optional<SlackMessage> flapping = ctx.slackSince(Instant.now().minus(Duration.ofHours(1))).stream()
                .filter(m -> m.readableText().contains("Flapping") && m.readableText().contains("Render failed: " + DemoStory.PROD))
                .findFirst();
        for (Case c : cases) {
            Instant caseStart = Instant.now();
            Map<String, String> before = story.prodObjects();
            LocalForge.Push bad = ctx.push("reliability: " + c.name(), c.change());
            SuiteContext.Answer a = ctx.webhook(name(), bad, "render-" + bad.after().substring(0, 8));
            events++;
            b.did(c.name() + ": pushed " + Ledger.shortSha(bad.after()) + " (answered " + a.status() + ")");
            Optional<RenderFailed> failed = SuiteContext.await(wait, () -> ctx.events(Topics.ROLLOUT).stream()
                    .filter(e -> e instanceof RenderFailed f && bad.after().equals(f.commit())
                            && DemoStory.PROD.equals(f.target()))
                    .map(e -> (RenderFailed) e).findFirst());
            String error = failed.map(RenderFailed::error).orElse("");
            Duration took = Duration.between(caseStart, Instant.now());
            b.check(c.name() + ": RenderFailed for " + DemoStory.PROD + " naming " + List.of(c.reasonWords()),
                    failed.isPresent() && containsAll(error, c.reasonWords()),
                    failed.isPresent() ? String.format(java.util.Locale.ROOT, "after %.1f s: %s", took.toMillis() / 1000.0,
                            abbreviate(error)) : "no RenderFailed within " + wait.toSeconds() + " s");
            boolean onForge = SuiteContext.awaitTrue(wait, () -> ctx.stack().forgeStatuses().statuses(bad.after()).stream()
                    .anyMatch(s -> "verity/render".equals(s.context()) && "failure".equals(s.state())));
            b.check(c.name() + ": the commit shows failure on the forge (verity/render)", onForge, "");
            // an incident opened a 4th time within the hour is announced once as flapping, then quiet by design
            // (verity.notifier.incidents.flap-threshold): after that, the commit need not get a message of its own
            Optional<SlackMessage> quietSince = flapping;
            Optional<SlackMessage> alert = SuiteContext.await(quietSince.isPresent() ? Duration.ofSeconds(5) : wait,
                    () -> ctx.slackSince(caseStart).stream()
                            .filter(m -> m.readableText().contains(bad.after().substring(0, 12))).findFirst());
            if (flapping.isEmpty()) flapping = alert.filter(m -> m.readableText().contains("Flapping"));
            b.check(c.name() + ": alerted on Slack (or quiet as a flapping incident announced before)",
                    alert.isPresent() || quietSince.isPresent(), alert.map(m -> abbreviate(m.readableText().lines()
                            .findFirst().orElse(""))).orElse(quietSince.map(m -> "quiet: announced as flapping: "
                            + abbreviate(m.readableText().lines().findFirst().orElse("")))
                            .orElse(ctx.slackSince(caseStart).size() + " message(s)")));
            Map<String, String> after = story.prodObjects();
            b.check(c.name() + ": the cluster's prod objects unchanged", after.equals(before) && !before.isEmpty(),
                    after.equals(before) ? before.size() + " objects as they were" : "before " + before + ", after " + after);

            String greeting = "after " + c.name();
            LocalForge.Push good = ctx.push("reliability: undo " + c.name(), commit -> {
                commit.put(DemoStory.PROD_OVERLAY, withGreeting(overlay, greeting)).put(NAMESPACE_FILE, namespace);
                c.added().forEach(commit::delete);
            });
            SuiteContext.Answer ga = ctx.webhook(name(), good, "render-ok-" + good.after().substring(0, 8));
            events++;
            try {
                story.awaitProdAt(good.after(), greeting);
                b.check(c.name() + ": the following good push converges", true, "Applied at " + Ledger.shortSha(good.after())
                        + " (answered " + ga.status() + ")");
            } catch (RuntimeException e) {
                b.check(c.name() + ": the following good push converges", false, e.getMessage());
            }
        }
        List<String> deaths = ctx.supervisorLines().subList(deathsBefore, ctx.supervisorLines().size());
        b.check("no service died or got stuck", deaths.isEmpty(), String.join("; ", deaths));
        Reconciliation.Verdict v = Reconciliation.compare(ctx.ledger().entries(name()), ctx.observe(), ctx.history(), false);
        b.lost(v.lost().size());
        b.check("nothing lost, no Applied went back", v.passed(), String.join("; ", v.problems()));
        b.events(events).faults(cases.size() + " unrenderable pushes: " + String.join(", ", cases.stream().map(Case::name).toList()));
        b.did(String.format(java.util.Locale.ROOT, "%d cases in %.0f s", cases.size(),
                Duration.between(start, Instant.now()).toMillis() / 1000.0));
    }

    private static List<Case> cases(String overlay, String namespace) {
        List<Case> cases = new ArrayList<>();
        String brokenNamespace = namespace.replaceFirst("(?m)^metadata:", "metadata:\n  labels: {team: shop, tier: [web\n");
        cases.add(new Case("malformed YAML", c -> c.put(NAMESPACE_FILE, brokenNamespace), List.of(),
                "invalid YAML in /" + NAMESPACE_FILE));
        String bomb = OVERLAY_DIR + "/lol.yaml";
        cases.add(new Case("YAML alias bomb", c -> c.put(bomb, billionLaughs())
                .put(DemoStory.PROD_OVERLAY, withResource(overlay, "lol.yaml")), List.of(bomb),
                "excessive aliasing", "/" + bomb));
        String big = OVERLAY_DIR + "/big.yaml";
        cases.add(new Case("huge manifest", c -> c.put(big, bigConfigMap(3 * 512 * 1024))
                .put(DemoStory.PROD_OVERLAY, withResource(overlay, "big.yaml")), List.of(big),
                "over the 1.0 MiB limit (verity.renderer.max-desired-state-size)"));
        cases.add(new Case("resources outside the root", c -> c.put(DemoStory.PROD_OVERLAY,
                withResource(overlay, "../../../../../../etc/passwd")), List.of(),
                "'/etc/passwd': no such file or directory", "climbs above"));
        String link = OVERLAY_DIR + "/passwd.yaml";
        cases.add(new Case("symlink escape", c -> c.symlink(link, "../../../../../etc/passwd")
                .put(DemoStory.PROD_OVERLAY, withResource(overlay, "passwd.yaml")), List.of(link),
                "'/" + link + "': no such file or directory", "the symbolic link " + link
                        + " points to '../../../../../etc/passwd', which climbs above the repository's root"));
        String endless = "apps/shop/endless";
        cases.add(new Case("render that never ends", c -> {
            for (int i = 0; i < LEVELS; i++) {
                c.put(endless + "/d" + i + "/kustomization.yaml", "resources:\n- ../d" + (i + 1) + "\n- ../d" + (i + 1) + "/\n");
            }
            c.put(endless + "/d" + LEVELS + "/kustomization.yaml", "resources: []\n");
            c.put(DemoStory.PROD_OVERLAY, withResource(overlay, "../../endless/d0"));
        }, List.of(endless), "exceeded its deadline", "verity.renderer.render-timeout"));
        return cases;
    }

    /** Nine aliases of nine aliases, nine levels deep: 9^9 strings from a dozen lines. */
    static String billionLaughs() {
        StringBuilder b = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: lol\ndata:\n");
        b.append("  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i <= 9; i++) {
            b.append("  l").append(i).append(": &l").append(i).append(" [");
            for (int j = 0; j < 9; j++) b.append(j == 0 ? "" : ", ").append("*l").append(i - 1);
            b.append("]\n");
        }
        return b.toString();
    }

    /** A ConfigMap of about {@code bytes} bytes of data, in 64 KiB values. */
    static String bigConfigMap(int bytes) {
        StringBuilder b = new StringBuilder("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n");
        String value = "x".repeat(64 * 1024);
        for (int i = 0; i * value.length() < bytes; i++) b.append("  part").append(i).append(": ").append(value).append('\n');
        return b.toString();
    }

    private static String withResource(String overlay, String resource) {
        String changed = overlay.replaceFirst("  - namespace.yaml\\n", "  - namespace.yaml\n  - " + resource + "\n");
        if (changed.equals(overlay)) throw new IllegalStateException(DemoStory.PROD_OVERLAY + " lists no namespace.yaml");
        return changed;
    }

    private static String withGreeting(String overlay, String greeting) {
        String changed = overlay.replaceFirst("GREETING=[^\\n]*", "GREETING=" + greeting);
        if (changed.equals(overlay) && !overlay.contains("GREETING=" + greeting)) {
            throw new IllegalStateException(DemoStory.PROD_OVERLAY + " has no GREETING= line");
        }
        return changed;
    }

    private static boolean containsAll(String text, String... words) {
        for (String w : words) {
            if (!text.contains(w)) return false;
        }
        return true;
    }

    private static String abbreviate(String s) {
        return s.length() <= 400 ? s : s.substring(0, 400) + "…";
    }
}
