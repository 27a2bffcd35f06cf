package dev.verity.reliability;

import dev.verity.stack.LocalForge;
import dev.verity.stack.ServiceProcess;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * {@code ./verity up} as a supervisor: a service of the running stack killed with SIGKILL is started again by the
 * {@code Supervisor} (on the same port, with the same configuration), which prints the death and the restart, and the
 * restarted service does its work: a push made after the restart converges.
 */
public final class SupervisorScenario implements Scenario {

    private final String service;

    public SupervisorScenario(String service) {
        this.service = service;
    }

    @Override
    public String name() {
        return "supervisor restarts a killed " + service;
    }

    @Override
    public void steps(SuiteContext ctx, ScenarioResult.Builder b) {
        ServiceProcess before = ctx.stack().service(service);
        long pid = before.pid();
        Instant killed = Instant.now();
        ctx.stack().killService(service);
        b.did("killed " + service + " (pid " + pid + ") with SIGKILL");
        b.faults(service + " SIGKILL");
        Optional<ServiceProcess> back = SuiteContext.await(ctx.options().timeout(), () -> {
            ServiceProcess now = ctx.stack().service(service);
            return now.pid() != pid && now.isAlive() && ctx.supervisorLines().stream()
                    .anyMatch(l -> l.startsWith("restarted " + service + " ")) ? Optional.of(now) : Optional.empty();
        });
        back.ifPresent(p -> b.recovered(Duration.between(killed, Instant.now())));
        b.check("the supervisor printed the death and the restart", back.isPresent()
                        && ctx.supervisorLines().stream().anyMatch(l -> l.startsWith("!! " + service + " (pid " + pid + ") stopped")),
                String.join(" / ", ctx.supervisorLines().stream().filter(l -> l.contains(service))
                        .map(l -> l.lines().findFirst().orElse("")).toList()));
        b.check("the service runs again, ready, on its port", back.isPresent(),
                back.map(p -> "pid " + p.pid() + " on " + p.url()).orElse("not back within " + ctx.options().timeout().toSeconds() + " s"));

        LocalForge.Push push = ctx.pushGreeting("after-" + service + "-restart");
        SuiteContext.Answer a = ctx.webhook(name(), push, "restart-" + push.after().substring(0, 8));
        b.did("pushed " + Ledger.shortSha(push.after()) + " with its webhook (answered " + a.status() + ")");
        b.events(1);
        try {
            ctx.story().awaitProdAt(push.after(), "after-" + service + "-restart");
            b.check("a push after the restart converges", true, "Applied at " + Ledger.shortSha(push.after()));
        } catch (RuntimeException e) {
            b.check("a push after the restart converges", false, e.getMessage());
        }
        Reconciliation.Verdict v = Reconciliation.compare(ctx.ledger().entries(name()), ctx.observe(), ctx.history(), false);
        b.lost(v.lost().size());
        b.check("the push is on verity.commits", v.lost().isEmpty() && a.status() == 202, "answered " + a.status() + "; " + v.lost());
    }
}
