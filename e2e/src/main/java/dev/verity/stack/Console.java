package dev.verity.stack;

import java.io.PrintStream;

/** What the launcher prints for a person at the terminal. */
final class Console {
    private final PrintStream out;

    Console(PrintStream out) {
        this.out = out;
    }

    void say(String line) {
        out.println(line);
        out.flush();
    }

    void step(int n, String what) {
        say("");
        say("[" + n + "] " + what);
    }

    void ok(String what) {
        say("    ok  " + what);
    }

    void fail(String what) {
        say("    FAILED  " + what);
    }

    /** Where everything is, and how to push a change. */
    void where(LocalStack stack) {
        LocalForge forge = stack.forge();
        say("");
        say("Verity is running.");
        say("  Git repository   " + forge.url() + "   (branch main, seeded from examples/)");
        say("  Kafka            " + stack.kafka().bootstrapServers());
        say("  Kubernetes       " + stack.sandbox().url() + "   (sandbox; kubeconfig " + stack.kubeconfig() + ")");
        say("  Sandbox faults   " + stack.sandbox().controlUrl() + "   (inject API errors, read the request log; see README)");
        say("  Slack stand-in   " + stack.slack().url() + "   (open it to read the Slack alerts)");
        say("  Forge statuses   " + stack.forgeStatuses().url() + "   (the commit statuses Verity posted; printed here as they arrive)");
        say("  SMTP server      localhost:" + stack.smtp().port() + "   (e-mails are printed here as they arrive)");
        stack.traces().ifPresent(t -> say("  Traces           " + t.url() + "   (OTLP/HTTP collector: open it to read each"
                + " commit's trace, webhook to alert)"));
        stack.services().values().forEach(s ->
                say(String.format("  %-16s %s   (log %s)", s.name(), s.url(), s.log())));
        ServiceProcess notifier = stack.services().get("notifier");
        if (notifier != null) say("  Status page      " + notifier.url() + "/status   (every target, live: ./verity status in a browser)");
        say("");
        say("Push a change:");
        say("  git clone " + forge.url() + " my-gitops && cd my-gitops");
        say("  sed -i 's/count: 3/count: 4/' apps/shop/overlays/prod/kustomization.yaml");
        say("  git commit -am 'prod: 4 replicas' && git push");
        say("Then watch it land:  kubectl --kubeconfig " + stack.kubeconfig() + " -n shop-prod get deployments");
        say("Change something behind Verity's back to see a drift alert:");
        say("  kubectl --kubeconfig " + stack.kubeconfig() + " -n shop-prod scale deployment web --replicas=7");
        say("Ctrl-C stops everything.");
        say("");
    }
}
