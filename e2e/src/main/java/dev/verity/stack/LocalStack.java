package dev.verity.stack;

import com.sun.net.httpserver.HttpServer;
import dev.verity.events.topics.ProvisionReport;
import dev.verity.testkit.kafka.KafkaBrokerProcess;
import dev.verity.testkit.net.LocalPorts;
import dev.verity.testkit.kube.KubeSandbox;
import dev.verity.testkit.mail.SmtpServer;
import dev.verity.testkit.forge.ForgeStatusRecorder;
import dev.verity.testkit.otel.OtlpCollector;
import dev.verity.testkit.slack.SlackRecorder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Verity on embedded defaults: a real Kafka broker (child JVM, topics provisioned as {@code TopicPlan} says, none
 * created on first use), the Kubernetes sandbox, a local Git forge seeded
 * from {@code examples/} (with a statuses API, GitHub's, that records the commit statuses), an SMTP server and a Slack stand-in, and the five services each as its own process
 * from its packaged {@code target/quarkus-app}; with {@link StackOptions#traces()}, a trace collector
 * ({@link OtlpCollector}) that every service sends its spans to over OTLP/HTTP. {@link #close()} stops everything it
 * started; so does a JVM that is asked to stop (SIGTERM, Ctrl-C, {@code System.exit}) while the stack still runs
 * ({@link StopOnExit}): no broker or service outlives it.
 */
public final class LocalStack implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalStack.class.getName());
    /** The webhook secret of the local forge's repository; local only, never a production secret. */
    static final String WEBHOOK_SECRET = "local-stack-webhook-secret";
    /** The token of the local forge's statuses API; local only, never a production secret. */
    static final String FORGE_TOKEN = "local-stack-forge-token";
    public static final String CLUSTER = "local";
    /** The notifier's grouping window in the stack (default 3s); {@code ./verity bench stack} sets it. */
    public static final String GROUP_WINDOW_PROPERTY = "verity.stack.group-window";
    /**
     * How long a JVM asked to stop gives {@link #close()} before it kills what still runs. A close takes a few seconds
     * as a rule; at most, a supervisor ends a restart in progress within 30 s, the services stop in parallel within
     * 20 s (by force after 15 s), the broker within 40 s (by force after 30 s). With {@link StopOnExit#FORCE_WAIT},
     * the hook ends within 25 s: before a test fork asked to exit is halted (surefire's
     * {@code forkedProcessExitTimeoutInSeconds}, 30 s by default).
     */
    static final java.time.Duration EXIT_GRACE = java.time.Duration.ofSeconds(20);

    private final StackOptions options;
    private final Path root;
    private final List<AutoCloseable> started = new ArrayList<>();
    private final Map<String, ServiceProcess> services = new LinkedHashMap<>();
    private final List<Supervisor> supervisors = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Object closeLock = new Object();
    /** Set once {@link #close()} has stopped the supervisors: nothing is started again or tracked after it. */
    private volatile boolean stopping;
    private boolean closed;
    private StopOnExit onExit;
    private KafkaBrokerProcess kafka;
    private KubeSandbox sandbox;
    private SmtpServer smtp;
    private SlackRecorder slack;
    private ForgeStatusRecorder forgeStatuses;
    private OtlpCollector traces;
    private LocalForge forge;
    private HttpServer forgeHooks;
    private Path kubeconfig;

    private LocalStack(StackOptions options) {
        this.options = options;
        this.root = RepoRoot.find();
    }

    /**
     * Starts the whole stack; on any failure stops what it started and rethrows. From now until {@link #close()}, a
     * JVM asked to stop (SIGTERM, Ctrl-C, {@code System.exit}) closes the stack on its way out, giving it
     * {@link #EXIT_GRACE}, then kills every process the JVM started that still runs, at any depth: the JVM is going,
     * and what it leaves running has no one to stop it.
     */
    public static LocalStack start(StackOptions options) {
        LocalStack stack = new LocalStack(options);
        stack.onExit = StopOnExit.register("verity-stack-stop", stack::close, () -> ProcessHandle.current().descendants(),
                EXIT_GRACE);
        try {
            stack.startAll();
            return stack;
        } catch (RuntimeException e) {
            stack.close();
            throw e;
        }
    }

    private void startAll() {
        Path work = options.workDir().toAbsolutePath();
        mkdirs(work);
        kafka = track(KafkaBrokerProcess.start(work.resolve("kafka"), port(StackOptions.KAFKA_PORT)));
        // the broker creates no topic on first use: provision them as a deployment would (the services check again)
        ProvisionReport topics = kafka.provision(CLUSTER);
        LOG.info(() -> "Kafka topics: " + topics.summary());
        sandbox = track(KubeSandbox.start(port(StackOptions.SANDBOX_PORT)));
        kubeconfig = sandbox.writeKubeconfig(work.resolve("kubeconfig"));
        smtp = track(SmtpServer.start(port(StackOptions.SMTP_PORT)));
        slack = track(SlackRecorder.start(port(StackOptions.SLACK_PORT)));

        int receiverPort = port(StackOptions.RECEIVER_PORT);
        forge = LocalForge.open(work.resolve("git"), "http://localhost:" + receiverPort + "/hooks/github", WEBHOOK_SECRET);
        if (forge.isEmpty()) {
            forge.pushFolder(root.resolve("examples"), "Seed from examples/");
        }
        startForgeHooks(port(StackOptions.FORGE_PORT));
        // the local forge's statuses API: GitHub's, recording what the notifier posts
        forgeStatuses = track(ForgeStatusRecorder.start(port(StackOptions.FORGE_API_PORT), FORGE_TOKEN));

        Path logs = work.resolve("logs");
        String bootstrap = kafka.bootstrapServers();
        Map<String, String> common = common(bootstrap);

        Map<String, CompletableFuture<ServiceProcess>> starting = new LinkedHashMap<>();
        starting.put("webhook-receiver", launch("webhook-receiver", receiverPort, logs, common,
                Map.of("verity.receiver.repositories.gitops.url", forge.url()),
                Map.of("VERITY_RECEIVER_REPOSITORIES_GITOPS_SECRET", WEBHOOK_SECRET)));
        starting.put("renderer-service", launch("renderer-service", port(StackOptions.RENDERER_PORT), logs, common,
                rendererProperties(work.resolve("renderer")), Map.of()));
        starting.put("applier-service", launch("applier-service", "applier-service", port(StackOptions.APPLIER_PORT),
                logs, common, applierProperties(), Map.of()));
        starting.put("drift-monitor", launch("drift-monitor", port(StackOptions.DRIFT_PORT), logs, common,
                driftMonitorProperties(), Map.of()));
        starting.put("notifier", launch("notifier", port(StackOptions.NOTIFIER_PORT), logs, common,
                notifierProperties(), notifierEnvironment()));
        for (Map.Entry<String, CompletableFuture<ServiceProcess>> e : starting.entrySet()) {
            services.put(e.getKey(), e.getValue().join());
        }
    }

    /**
     * What every service is given: the broker and, with traces, the collector's endpoint (which turns their traces on)
     * and a short export delay, so that a trace is complete at the collector within a second or two.
     */
    private Map<String, String> common(String bootstrap) {
        Map<String, String> common = new LinkedHashMap<>();
        common.put("kafka.bootstrap.servers", bootstrap);
        if (options.traces()) {
            if (traces == null) traces = track(OtlpCollector.start(port(StackOptions.TRACES_PORT)));
            common.put("quarkus.otel.exporter.otlp.traces.endpoint", traces.url());
            common.put("quarkus.otel.bsp.schedule.delay", "500ms");
        }
        return common;
    }

    private Map<String, String> rendererProperties(Path workDir) {
        return Map.of("verity.renderer.repositories[0].url", forge.url(),
                "verity.renderer.repositories[0].branch", LocalForge.BRANCH,
                "verity.renderer.poll-interval", options.pollInterval().toSeconds() + "s",
                "verity.renderer.work-dir", workDir.toString());
    }

    /**
     * Starts one more renderer, as a second replica would run (the replicas share the repositories by
     * {@code verity.commits} partition: the local forge's one repository is rendered by one of them), with its own
     * work directory ({@code <name>/} in the work dir) on a free port, logging to {@code logs/<name>.log}; returns
     * once it is ready.
     *
     * @param name the replica's name among the services ({@link #services()}), e.g. {@code renderer-service-2}
     */
    public ServiceProcess startRendererReplica(String name) {
        return startReplica("renderer-service", name, rendererProperties(options.workDir().toAbsolutePath().resolve(name)));
    }

    /**
     * Stops a replica started by one of the {@code start...Replica} methods (politely, then by force; it may have died
     * already) and forgets it: it is no longer among {@link #services()}, so a {@link Supervisor} does not start it
     * again. The five services of the stack are not replicas: use {@link #killService} for them.
     */
    public synchronized void stopReplica(String name) {
        ServiceProcess replica = service(name);
        if (List.of("webhook-receiver", "renderer-service", "applier-service", "drift-monitor", "notifier").contains(name)) {
            throw new IllegalArgumentException(name + " is one of the stack's services, not a replica");
        }
        services.remove(name);
        started.remove(replica);
        closeQuietly(replica);
    }

    private Map<String, String> applierProperties() {
        return Map.of("verity.applier.cluster", CLUSTER, "verity.applier.kubeconfig", kubeconfig.toString());
    }

    /**
     * Starts one more applier for the cluster {@value #CLUSTER}, as a second replica would run (active/standby: only
     * one of them applies at a time), on a free port, logging to {@code logs/<name>.log}; returns once it is ready.
     *
     * @param name the replica's name among the services ({@link #services()}), e.g. {@code applier-service-2}
     */
    public ServiceProcess startApplierReplica(String name) {
        return startReplica("applier-service", name, applierProperties());
    }

    /**
     * The notifier: Slack's Web API with a bot token, as in a real workspace (one thread per incident, its first
     * message edited to show where it stands; the stand-in's page shows threads and edits), the local SMTP server,
     * a short grouping window so that alerts show within seconds, and the local forge's statuses API (GitHub's) for
     * the repository's commit statuses (its token from the environment, as a secret is given).
     */
    private Map<String, String> notifierProperties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("verity.notifier.slack.bot-token", slack.botToken());
        p.put("verity.notifier.slack.channel", "#" + SlackRecorder.DEFAULT_CHANNEL);
        p.put("verity.notifier.slack.api-url", slack.apiUrl());
        p.put("verity.notifier.email.to", "platform-team@verity.local");
        p.put("verity.notifier.email.from", "verity@verity.local");
        p.put("quarkus.mailer.host", smtp.host());
        p.put("quarkus.mailer.port", String.valueOf(smtp.port()));
        p.put("verity.notifier.incidents.group-window", System.getProperty(GROUP_WINDOW_PROPERTY, "3s"));
        p.put("verity.notifier.forges.local.url", forge.url());
        p.put("verity.notifier.forges.local.forge", "github");
        p.put("verity.notifier.forges.local.api-url", forgeStatuses.apiUrl(ForgeStatusRecorder.Api.GITHUB));
        p.put("verity.notifier.forges.local.project", LocalForge.PROJECT);
        return p;
    }

    private static Map<String, String> notifierEnvironment() {
        return Map.of("VERITY_NOTIFIER_FORGES_LOCAL_TOKEN", FORGE_TOKEN);
    }

    /**
     * Starts one more notifier, as a second replica would run (active/standby: only the leader reads events and
     * alerts), on a free port, logging to {@code logs/<name>.log}; returns once it is ready.
     *
     * @param name the replica's name among the services ({@link #services()}), e.g. {@code notifier-2}
     */
    public ServiceProcess startNotifierReplica(String name) {
        return startReplica("notifier", name, notifierProperties(), notifierEnvironment());
    }

    private Map<String, String> driftMonitorProperties() {
        return Map.of("verity.drift.cluster", CLUSTER, "verity.drift.kubeconfig", kubeconfig.toString());
    }

    /**
     * Starts one more drift monitor for the cluster {@value #CLUSTER}, as a second replica would run (active/standby:
     * only one of them publishes drift at a time), on a free port, logging to {@code logs/<name>.log}; returns once
     * it is ready (its state rebuilt from the topics).
     *
     * @param name the replica's name among the services ({@link #services()}), e.g. {@code drift-monitor-2}
     */
    public ServiceProcess startDriftMonitorReplica(String name) {
        return startReplica("drift-monitor", name, driftMonitorProperties());
    }

    private ServiceProcess startReplica(String module, String name, Map<String, String> properties) {
        return startReplica(module, name, properties, Map.of());
    }

    private ServiceProcess startReplica(String module, String name, Map<String, String> properties,
            Map<String, String> env) {
        if (services.containsKey(name)) throw new IllegalArgumentException("a service named " + name + " runs already");
        Map<String, String> common = common(kafka.bootstrapServers());
        int port = LocalPorts.freeOutsideEphemeralRange(); // restartService starts it again on this port
        ServiceProcess replica = launch(module, name, port, options.workDir().toAbsolutePath().resolve("logs"),
                common, properties, env).join();
        synchronized (this) {
            services.put(name, replica);
        }
        return replica;
    }

    private CompletableFuture<ServiceProcess> launch(String module, int port, Path logs, Map<String, String> common,
            Map<String, String> properties, Map<String, String> env) {
        return launch(module, module, port, logs, common, properties, env);
    }

    private CompletableFuture<ServiceProcess> launch(String module, String name, int port, Path logs,
            Map<String, String> common, Map<String, String> properties, Map<String, String> env) {
        Map<String, String> props = new LinkedHashMap<>(common);
        props.putAll(properties);
        props.putAll(options.serviceProperties());
        ServiceProcess process = ServiceProcess.start(name, root.resolve(module).resolve("target/quarkus-app"), port,
                props, env, logs.resolve(name + ".log"));
        track(process);
        return CompletableFuture.supplyAsync(() -> {
            process.awaitReady(options.readyTimeout());
            return process;
        });
    }

    /** Serves the forge's post-receive hook: a user's {@code git push} makes the forge send its webhook. */
    private void startForgeHooks(int port) {
        try {
            forgeHooks = HttpServer.create(new InetSocketAddress("localhost", port), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve the forge hook endpoint on port " + port, e);
        }
        forgeHooks.createContext("/forge/push", exchange -> {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = 204;
            for (String line : body.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length == 3 && f[2].equals("refs/heads/" + LocalForge.BRANCH) && !f[1].matches("0{40}")) {
                    status = forge.sendWebhook(forge.describe(f[0], f[1]));
                }
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        forgeHooks.start();
        Path hook = forge.bareRepository().resolve("hooks").resolve("post-receive");
        String script = "#!/bin/sh\n# Written by Verity's local stack: tells the local forge to send the push webhook.\n"
                + "curl -fsS --max-time 20 -X POST --data-binary @- http://localhost:" + port + "/forge/push"
                + " || echo 'verity: could not send the webhook (is ./verity up running?); the renderer will still poll' >&2\n";
        try {
            Files.createDirectories(hook.getParent());
            Files.writeString(hook, script);
            Files.setPosixFilePermissions(hook, PosixFilePermissions.fromString("rwxr-xr-x"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + hook, e);
        }
    }

    public KafkaBrokerProcess kafka() {
        return kafka;
    }

    public KubeSandbox sandbox() {
        return sandbox;
    }

    /** The kubeconfig file for the sandbox, for kubectl and the services. */
    public Path kubeconfig() {
        return kubeconfig;
    }

    public SmtpServer smtp() {
        return smtp;
    }

    public SlackRecorder slack() {
        return slack;
    }

    public LocalForge forge() {
        return forge;
    }

    /** The local forge's commit statuses API, with every status the notifier posted. */
    public ForgeStatusRecorder forgeStatuses() {
        return forgeStatuses;
    }

    /** The trace collector every service sends its spans to; empty unless started with traces. */
    public java.util.Optional<OtlpCollector> traces() {
        return java.util.Optional.ofNullable(traces);
    }

    public Map<String, ServiceProcess> services() {
        return services;
    }

    /** The service process of that name ({@link #services()}); fails naming the services there are. */
    public ServiceProcess service(String name) {
        ServiceProcess s = services.get(name);
        if (s == null) throw new IllegalArgumentException("no service named " + name + "; the stack runs " + services.keySet());
        return s;
    }

    /**
     * Kills the named service with SIGKILL (as a crash or an OOM kill would) and waits until it is gone; the stack
     * keeps it under its name until {@link #restartService(String)} starts it again (or a {@link Supervisor} does).
     */
    public void killService(String name) {
        service(name).kill();
    }

    /**
     * Starts the named service again, after it died or was killed, with the same port, configuration and log
     * (appended), and waits until it is ready; a service still running is killed first. Returns the new process,
     * which replaces the old one in {@link #services()}.
     */
    public ServiceProcess restartService(String name) {
        ServiceProcess fresh;
        synchronized (this) { // not while it starts: several services may be restarted at once
            if (stopping) throw new IllegalStateException("the stack is stopping: " + name + " is not started again");
            ServiceProcess old = service(name);
            if (old.isAlive()) old.kill();
            fresh = old.restart();
            started.replaceAll(c -> c == old ? fresh : c);
            services.put(name, fresh);
        }
        fresh.awaitReady(options.readyTimeout());
        return fresh;
    }

    public Path workDir() {
        return options.workDir();
    }

    /**
     * Stops the {@link Supervisor}s watching the stack (so that nothing is started again), then every service (in
     * parallel) and every component, each politely, then by force. Once: a second call, from another thread too (the
     * JVM's exit hook and the owner), waits for the first to end and does nothing more.
     */
    @Override
    public void close() {
        synchronized (closeLock) {
            if (closed) return;
            try {
                supervisors.forEach(Supervisor::close); // first: a service stopped now is not to be started again
                stopping = true;
                stopAll();
            } finally {
                closed = true;
            }
        }
        if (onExit != null) onExit.cancel();
    }

    private void stopAll() {
        if (forgeHooks != null) forgeHooks.stop(0);
        List<AutoCloseable> reversed;
        synchronized (this) { // after stopping is set: nothing is tracked any more
            reversed = new ArrayList<>(started);
            started.clear();
        }
        java.util.Collections.reverse(reversed);
        // services first (in parallel: each may take seconds to stop), then the components they use
        reversed.stream().filter(c -> c instanceof ServiceProcess)
                .map(c -> CompletableFuture.runAsync(() -> closeQuietly(c))).toList()
                .forEach(CompletableFuture::join);
        reversed.stream().filter(c -> !(c instanceof ServiceProcess)).forEach(LocalStack::closeQuietly);
    }

    /** A supervisor watching this stack: {@link #close()} stops it first. */
    void supervisedBy(Supervisor supervisor) {
        supervisors.add(supervisor);
    }

    /** Keeps {@code component} to close it with the stack; once the stack is stopping, closes it at once and fails. */
    private <T extends AutoCloseable> T track(T component) {
        synchronized (this) {
            if (!stopping) {
                started.add(component);
                return component;
            }
        }
        closeQuietly(component);
        throw new IllegalStateException("the stack is stopping: " + component + " was stopped as soon as it started");
    }

    private int port(int fixed) {
        if (options.fixedPorts()) return fixed;
        return LocalPorts.freeOutsideEphemeralRange(); // services and the broker are started again on their ports
    }

    private static void mkdirs(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "while stopping " + c + ": " + e.getMessage(), e);
        }
    }
}
