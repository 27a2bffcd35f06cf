package dev.verity.reliability;

import dev.verity.stack.LocalForge;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Random bodies and headers at the receiver's endpoints: random bytes, JSON of the wrong shape, a real push payload
 * cut short, broken in a field, with a key twice, with a wrong or no signature, under another event name, to
 * another forge's endpoint or an unknown repository. Correctly signed bodies are always broken, so none may be
 * published: no answer may be a 5xx or missing, and {@code verity.commits} must not grow. The seed is printed.
 */
public final class ReceiverFuzzScenario implements Scenario {

    private static final List<String> PATHS = List.of("/hooks/github", "/hooks/github/gitops", "/hooks/gitlab/gitops",
            "/hooks/gitea/gitops", "/hooks/forgejo/gitops", "/hooks/bitbucket/gitops", "/hooks/bitbucket-server/gitops",
            "/hooks/generic/gitops", "/hooks/github/no-such-repo", "/hooks/nonsense/gitops", "/hooks/", "/hooks/github/gitops/extra");
    private static final List<String> EVENTS = List.of("ping", "issues", "pull_request", "Push Hook", "create", "delete",
            "workflow_run", "", "pushh", "PUSH ");
    private static final List<String> CONTENT_TYPES = List.of("application/json", "text/plain",
            "application/x-www-form-urlencoded", "application/octet-stream", "application/json; charset=utf-16", "");

    @Override
    public String name() {
        return "random bodies and headers at the receiver";
    }

    private record Sent(int status, String detail) {
    }

    @Override
    public void steps(SuiteContext ctx, ScenarioResult.Builder b) throws Exception {
        int n = ctx.options().fuzz();
        long seed = ctx.options().seed();
        int publishedBefore = ctx.observe().published().size();
        LocalForge forge = ctx.stack().forge();
        // a real push payload to break: the branch's current head, as the forge would describe it
        List<String> history = ctx.history();
        LocalForge.Push real = history.size() >= 2
                ? forge.describe(history.get(history.size() - 2), history.get(history.size() - 1))
                : ctx.pushGreeting("fuzz-base");
        byte[] payload = forge.githubPushPayload(real).getBytes(StandardCharsets.UTF_8);
        String base = ctx.stack().service("webhook-receiver").url();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Sent>> futures = new ArrayList<>();
        Random seeds = new Random(seed);
        try {
            for (int i = 0; i < n; i++) {
                long requestSeed = seeds.nextLong();
                int index = i;
                futures.add(pool.submit(() -> send(ctx, http, base, forge, payload, new Random(requestSeed), index)));
            }
            Map<String, Integer> byStatus = new TreeMap<>();
            List<String> bad = new ArrayList<>();
            for (Future<Sent> f : futures) {
                Sent s = f.get();
                byStatus.merge(String.valueOf(s.status()), 1, Integer::sum);
                if (s.status() >= 500 || s.status() == Ledger.NO_ANSWER) bad.add(s.status() + " for " + s.detail());
            }
            b.did("sent " + n + " random requests (seed " + seed + ") to " + PATHS.size() + " endpoints, 4 at a time");
            b.events(n);
            b.faults("random bodies, headers, signatures, endpoints");
            b.check("no 5xx and no request left unanswered", bad.isEmpty(), "answers by status " + byStatus
                    + (bad.isEmpty() ? "" : "; e.g. " + bad.subList(0, Math.min(5, bad.size()))));
            Thread.sleep(2000);
            int publishedAfter = ctx.observe().published().size();
            b.check("nothing published (verity.commits did not grow)", publishedAfter == publishedBefore,
                    publishedBefore + " push(es) on verity.commits before, " + publishedAfter + " after");
        } finally {
            pool.shutdownNow();
        }
    }

    private Sent send(SuiteContext ctx, HttpClient http, String base, LocalForge forge, byte[] payload, Random r, int i) {
        String delivery = "fuzz-" + i + "-" + Long.toHexString(r.nextLong());
        // half to the stack's own GitHub endpoints, where a body is read past authentication; the rest anywhere
        String path = r.nextBoolean() ? PATHS.get(r.nextInt(2)) : PATHS.get(r.nextInt(PATHS.size()));
        byte[] body;
        String kind;
        boolean sign;
        switch (r.nextInt(9)) {
            case 0 -> {
                body = new byte[r.nextInt(2048)];
                r.nextBytes(body);
                kind = "random bytes";
                sign = r.nextBoolean();
            }
            case 1 -> {
                body = randomText(r, r.nextInt(512)).getBytes(StandardCharsets.UTF_8);
                kind = "random text";
                sign = r.nextBoolean();
            }
            case 2 -> {
                String[] shapes = {"[]", "123", "\"push\"", "null", "{}", "{\"ref\":5}", "{\"ref\":\"refs/heads/main\",\"after\":null}",
                        "[".repeat(5000) + "]".repeat(5000), "{\"a\":" .repeat(2000) + "1" + "}".repeat(2000), "true", ""};
                body = shapes[r.nextInt(shapes.length)].getBytes(StandardCharsets.UTF_8);
                kind = "JSON of the wrong shape";
                sign = true;
            }
            case 3 -> {
                body = java.util.Arrays.copyOf(payload, r.nextInt(payload.length - 2) + 1);
                kind = "a real push payload cut short";
                sign = true;
            }
            case 4 -> {
                body = breakField(new String(payload, StandardCharsets.UTF_8), r).getBytes(StandardCharsets.UTF_8);
                kind = "a real push payload with a broken field";
                sign = true;
            }
            case 5 -> {
                String p = new String(payload, StandardCharsets.UTF_8);
                body = p.replaceFirst("\\{", "{\"after\": \"" + "0".repeat(40) + "\",").getBytes(StandardCharsets.UTF_8);
                kind = "a real push payload with a key twice";
                sign = true;
            }
            default -> {
                body = payload;
                kind = "a real push payload, unsigned or wrongly signed";
                sign = false;
            }
        }
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(15));
        String event = "push";
        if (sign) {
            // only broken bodies are signed correctly: a valid push of the real head is never sent signed
            req.header("X-Hub-Signature-256", forge.signature(body));
        } else if (r.nextBoolean()) {
            String good = forge.signature(body);
            req.header("X-Hub-Signature-256", good.substring(0, good.length() - 1) + (good.endsWith("0") ? "1" : "0"));
        } else if (r.nextBoolean()) {
            req.header("X-Hub-Signature-256", randomToken(r, r.nextInt(80)));
        }
        if (r.nextInt(4) > 0) req.header("X-GitHub-Event", r.nextInt(3) == 0 ? EVENTS.get(r.nextInt(EVENTS.size())) : event);
        req.header("X-GitHub-Delivery", delivery);
        String contentType = CONTENT_TYPES.get(r.nextInt(CONTENT_TYPES.size()));
        if (!contentType.isEmpty()) req.header("Content-Type", contentType);
        for (int h = r.nextInt(4); h > 0; h--) {
            String[] forgeHeaders = {"X-Gitlab-Event", "X-Gitlab-Token", "X-Gitea-Event", "X-Gitea-Signature", "X-Event-Key",
                    "X-Hub-Signature", "X-Request-Id", "X-" + randomName(r, 1 + r.nextInt(20)), "webhook-id",
                    "webhook-signature", "webhook-timestamp", "User-Agent"};
            req.header(forgeHeaders[r.nextInt(forgeHeaders.length)], randomToken(r, r.nextInt(100)));
        }
        String method = r.nextInt(20) == 0 ? (r.nextBoolean() ? "PUT" : "GET") : "POST";
        if (method.equals("GET")) req.GET();
        else req.method(method, HttpRequest.BodyPublishers.ofByteArray(body));
        String detail = method + " " + path + " (" + kind + ", " + body.length + " bytes, seed index " + i + ")";
        Instant sent = Instant.now();
        int status;
        try {
            status = http.send(req.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            status = Ledger.NO_ANSWER;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = Ledger.NO_ANSWER;
        }
        ctx.ledger().request(name(), delivery, status, Duration.between(sent, Instant.now()), detail);
        return new Sent(status, detail);
    }

    /** The payload with one field made invalid (never a valid push of another commit). */
    private static String breakField(String payload, Random r) {
        return switch (r.nextInt(5)) {
            case 0 -> payload.replaceFirst("\"ref\" : \"[^\"]*\"", "\"ref\" : \"refs/heads/a..b\"");
            case 1 -> payload.replaceFirst("\"ref\" : \"[^\"]*\"", "\"ref\" : 12");
            case 2 -> payload.replaceFirst("\"after\" : \"[^\"]*\"", "\"after\" : \"not-a-sha\"");
            case 3 -> payload.replaceFirst("\"after\" : \"[^\"]*\"", "\"after\" : " + r.nextInt());
            default -> payload.replaceFirst("\"ref\" : \"[^\"]*\"", "\"ref\" : \"refs/heads/" + randomToken(r, 8) + "\u0000\"");
        };
    }

    private static String randomText(Random r, int length) {
        StringBuilder sb = new StringBuilder();
        String alphabet = "{}[]\":,0123456789abcdefnulltrue \\/\n\t";
        for (int i = 0; i < length; i++) sb.append(r.nextInt(10) == 0 ? (char) (r.nextInt(0x2FF) + 1) : alphabet.charAt(r.nextInt(alphabet.length())));
        return sb.toString();
    }

    /** Letters, digits and '-': a legal header name. */
    private static String randomName(Random r, int length) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return sb.toString();
    }

    private static String randomToken(Random r, int length) {
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=+/.";
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < length; i++) sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return sb.toString();
    }
}
