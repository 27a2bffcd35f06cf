package dev.verity.notifier.delivery;

import dev.verity.notifier.alert.Secrets;
import dev.verity.notifier.status.CommitStatus;
import dev.verity.notifier.status.ForgeKind;
import dev.verity.notifier.status.ForgeRepository;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Posts one commit status to a forge's statuses API ({@link ForgeKind} says how) and tells what the answer means:
 * 2xx is delivered; 429, and 403 with a rate limit spent ({@code Retry-After}, or {@code X-RateLimit-Remaining: 0}
 * / GitLab's {@code RateLimit-Remaining: 0} with the reset time), are retried after the wait the forge asks for
 * (at most 5 minutes); 5xx, 408 and no answer are retried; other 4xx (401 a wrong token, 404 no such repository or
 * no access, 422 a bad state or SHA) are not. GitLab's 400 "Cannot transition status" means the commit is in that
 * state already: delivered. The token is sent in the forge's header and never appears in an error.
 */
public final class ForgeStatusApi {

    private final HttpClient http;
    private final Clock clock;

    public ForgeStatusApi(Clock clock) {
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        this.clock = clock;
    }

    /** Posts the status; returns normally when the forge has it. */
    public void post(ForgeRepository repo, CommitStatus status) throws DeliveryException {
        ForgeKind kind = repo.kind();
        URI url = kind.statusUrl(repo.apiUrl(), repo.project(), status.commit());
        Map.Entry<String, String> auth = kind.authorization(repo.token());
        HttpRequest request = HttpRequest.newBuilder(url)
                .timeout(repo.timeout())
                .header("Content-Type", "application/json")
                .header("Accept", kind == ForgeKind.GITHUB ? "application/vnd.github+json" : "application/json")
                .header("User-Agent", "verity-notifier")
                .header(auth.getKey(), auth.getValue())
                .POST(HttpRequest.BodyPublishers.ofString(kind.body(status, repo.targetUrl()), StandardCharsets.UTF_8))
                .build();
        String what = repo.describe() + " (" + status.where() + ")";
        HttpResponse<String> response = HttpDelivery.send(http, request, what, repo.timeout());
        int code = response.statusCode();
        if (code / 100 == 2) return;
        String answer = what + " answered " + code + ": " + excerpt(response.body());
        if (kind == ForgeKind.GITLAB && code == 400 && response.body().contains("Cannot transition status")) return;
        Optional<Duration> limited = rateLimitWait(response);
        if (code == 429 || (code == 403 && limited.isPresent())) {
            rateLimited(answer, limited.orElse(Duration.ofSeconds(1)));
        }
        if (code >= 500 || code == 408) throw new DeliveryException(answer, true);
        String hint = switch (code) {
            case 401 -> " (the token is wrong or expired: check verity.notifier.forges." + repo.id() + ".token)";
            case 403, 404 -> " (the token cannot write statuses of " + repo.project() + ": it needs repo:status on"
                    + " GitHub, the api scope on GitLab, write:repository on Gitea/Forgejo)";
            case 422 -> " (the forge refused the status or does not know the commit)";
            default -> "";
        };
        throw new DeliveryException(answer + hint, false);
    }

    private static void rateLimited(String answer, Duration wait) throws DeliveryException {
        throw new DeliveryException(answer + " (rate limited; retrying in " + wait.toSeconds() + " s)", wait);
    }

    /**
     * How long the answer asks to wait: {@code Retry-After} (seconds), else the rate limit's reset time
     * ({@code X-RateLimit-Reset} or {@code RateLimit-Reset}, Unix seconds) when the remaining count is 0; empty when it
     * says neither. At most 5 minutes, at least 1 s.
     */
    Optional<Duration> rateLimitWait(HttpResponse<?> response) {
        if (response.headers().firstValue("Retry-After").isPresent()) return Optional.of(HttpDelivery.retryAfter(response));
        for (String prefix : new String[] {"X-RateLimit-", "RateLimit-"}) {
            Optional<String> remaining = response.headers().firstValue(prefix + "Remaining");
            Optional<String> reset = response.headers().firstValue(prefix + "Reset");
            if (remaining.isPresent() && remaining.get().strip().equals("0") && reset.isPresent()) {
                try {
                    long seconds = Long.parseLong(reset.get().strip()) - clock.instant().getEpochSecond();
                    return Optional.of(Duration.ofSeconds(Math.max(1, Math.min(seconds,
                            HttpDelivery.MAX_RETRY_AFTER_SECONDS))));
                } catch (NumberFormatException e) {
                    return Optional.of(Duration.ofSeconds(1));
                }
            }
        }
        return Optional.empty();
    }

    private static String excerpt(String body) {
        String b = body == null ? "" : body.strip().replaceAll("\\s+", " ");
        return Secrets.mask(b.length() > 300 ? b.substring(0, 300) + "…" : b);
    }
}
