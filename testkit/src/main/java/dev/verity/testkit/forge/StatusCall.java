package dev.verity.testkit.forge;

import java.time.Instant;

/**
 * One call the {@link ForgeStatusRecorder} received, whatever it answered.
 *
 * @param api         which forge's API was called
 * @param path        the request path as sent (GitLab's project id still URL-encoded)
 * @param project     {@code owner/repo}, or GitLab's decoded project path
 * @param sha         the commit
 * @param authorized  whether the call carried the forge's token header at all ({@code Authorization} or
 *                    {@code PRIVATE-TOKEN}); {@link #answered} says whether the token was right
 * @param state       the {@code state} field, as sent
 * @param context     {@code context} (GitHub, Gitea) or {@code name} (GitLab)
 * @param description the {@code description} field
 * @param targetUrl   the {@code target_url} field, or null
 * @param body        the body as sent
 * @param answered    the HTTP status the stand-in answered
 * @param at          when it came
 */
public record StatusCall(ForgeStatusRecorder.Api api, String path, String project, String sha, boolean authorized,
        String state, String context, String description, String targetUrl, String body, int answered, Instant at) {

    /** Whether the stand-in took the status (2xx). */
    public boolean accepted() {
        return answered / 100 == 2;
    }

    /** {@code github local/gitops@1a2b3c4d5e6f verity/local/shop/prod: success "…"}, for feeds and failures. */
    public String readable() {
        return api.name().toLowerCase() + " " + project + "@" + (sha.length() > 12 ? sha.substring(0, 12) : sha) + " "
                + context + ": " + state + (description == null || description.isEmpty() ? "" : " \"" + description + "\"")
                + (accepted() ? "" : " (answered " + answered + ")");
    }
}
