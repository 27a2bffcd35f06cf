package dev.verity.notifier.status;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The forges whose commit statuses API Verity calls, and how each is called: the path, the token's header, the body,
 * and the forge's name for each {@link StatusState}. Bitbucket is not covered.
 *
 * <ul>
 *   <li>GitHub: {@code POST {api}/repos/{owner}/{repo}/statuses/{sha}}, {@code Authorization: Bearer},
 *       {@code state} pending|success|failure|error, {@code context};</li>
 *   <li>GitLab: {@code POST {api}/projects/{url-encoded path}/statuses/{sha}}, {@code PRIVATE-TOKEN},
 *       {@code state} running|success|failed|canceled, the context in {@code name};</li>
 *   <li>Gitea and Forgejo: {@code POST {api}/repos/{owner}/{repo}/statuses/{sha}}, {@code Authorization: token},
 *       {@code state} pending|success|failure|error, {@code context}.</li>
 * </ul>
 */
public enum ForgeKind {
    GITHUB("github"),
    GITLAB("gitlab"),
    GITEA("gitea");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String label;

    ForgeKind(String label) {
        this.label = label;
    }

    /** {@code github}, {@code gitlab}, {@code gitea} or {@code forgejo} (the same API as Gitea), any case. */
    public static ForgeKind parse(String name) {
        String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
        return switch (n) {
            case "github" -> GITHUB;
            case "gitlab" -> GITLAB;
            case "gitea", "forgejo" -> GITEA;
            default -> throw new IllegalArgumentException("'" + name + "' is not a forge with a statuses API Verity"
                    + " knows; use github, gitlab, gitea or forgejo (Bitbucket is not covered)");
        };
    }

    public String label() {
        return label;
    }

    /**
     * The API's base URL when none is configured, from the repository's host ({@code host[:port]}): GitHub's
     * {@code https://api.github.com} (GitHub Enterprise: {@code https://<host>/api/v3}), GitLab's
     * {@code https://<host>/api/v4}, Gitea's {@code https://<host>/api/v1}.
     */
    public URI defaultApiUrl(String host) {
        return switch (this) {
            case GITHUB -> URI.create(host.equals("github.com") ? "https://api.github.com" : "https://" + host + "/api/v3");
            case GITLAB -> URI.create("https://" + host + "/api/v4");
            case GITEA -> URI.create("https://" + host + "/api/v1");
        };
    }

    /** The forge's word for the state. */
    public String state(StatusState state) {
        return switch (this) {
            case GITHUB, GITEA -> switch (state) {
                case PENDING -> "pending";
                case SUCCESS -> "success";
                case FAILURE -> "failure";
                case ERROR -> "error";
            };
            case GITLAB -> switch (state) {
                case PENDING -> "running";
                case SUCCESS -> "success";
                case FAILURE -> "failed";
                case ERROR -> "canceled";
            };
        };
    }

    /** Where to POST a status of {@code sha} in {@code project} ({@code owner/repo}, or GitLab's group/…/project). */
    public URI statusUrl(URI api, String project, String sha) {
        String base = api.toString().replaceAll("/+$", "");
        return switch (this) {
            case GITHUB, GITEA -> URI.create(base + "/repos/" + project + "/statuses/" + sha);
            case GITLAB -> URI.create(base + "/projects/" + URLEncoder.encode(project, StandardCharsets.UTF_8)
                    + "/statuses/" + sha);
        };
    }

    /** The header that carries the token, with its value. */
    public Map.Entry<String, String> authorization(String token) {
        return switch (this) {
            case GITHUB -> Map.entry("Authorization", "Bearer " + token);
            case GITLAB -> Map.entry("PRIVATE-TOKEN", token);
            case GITEA -> Map.entry("Authorization", "token " + token);
        };
    }

    /** The JSON body of one status; {@code targetUrl} may be null. */
    public String body(CommitStatus status, URI targetUrl) {
        ObjectNode body = JSON.createObjectNode();
        body.put("state", state(status.state()));
        body.put(this == GITLAB ? "name" : "context", status.context());
        body.put("description", status.description());
        if (targetUrl != null) body.put("target_url", targetUrl.toString());
        return body.toString();
    }
}
