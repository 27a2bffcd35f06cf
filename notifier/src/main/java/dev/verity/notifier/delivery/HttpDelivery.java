package dev.verity.notifier.delivery;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;

/** What the HTTP destinations share: one request sent, failures to reach the server told transient, Retry-After. */
final class HttpDelivery {

    /** A Retry-After longer than this is taken as this. */
    static final long MAX_RETRY_AFTER_SECONDS = 300;

    private HttpDelivery() {
    }

    /**
     * Sends the request and returns the answer, whatever its status.
     *
     * @param what names the destination and call in errors ({@code Destination#describe()}), never a secret
     * @throws DeliveryException transient when no answer came (timeout, refused connection); not when interrupted
     */
    static HttpResponse<String> send(HttpClient http, HttpRequest request, String what, Duration timeout)
            throws DeliveryException {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            throw new DeliveryException(what + " did not answer within " + timeout, true, e);
        } catch (IOException e) {
            throw new DeliveryException("cannot reach " + what + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()), true, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeliveryException("interrupted while sending to " + what, false, e);
        }
    }

    /** The answer's {@code Retry-After} in seconds (at most 5 minutes); 1 s when it has none or a date. */
    static Duration retryAfter(HttpResponse<?> response) {
        return Duration.ofSeconds(response.headers().firstValue("Retry-After").map(v -> {
            try {
                return Math.max(0, Math.min(Long.parseLong(v.strip()), MAX_RETRY_AFTER_SECONDS));
            } catch (NumberFormatException aDate) {
                return 1L;
            }
        }).orElse(1L));
    }
}
