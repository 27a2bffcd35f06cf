package dev.verity.notifier.status;

import dev.verity.events.RepoIdentity;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * One repository whose commits get statuses: which forge hosts it, where its API is, its project path there, and the
 * token. {@link #toString()} and {@link #describe()} never show the token.
 *
 * @param id        the configuration id ({@code verity.notifier.forges.<id>.*})
 * @param identity  the repository as {@link RepoIdentity} names it: events' repositories are matched on it
 * @param kind      the forge's API
 * @param apiUrl    the API's base URL
 * @param project   {@code owner/repo} (GitHub, Gitea/Forgejo) or the project's full path (GitLab)
 * @param token     the API token (a secret)
 * @param targetUrl the link each status carries (a dashboard), or null
 * @param timeout   connect and answer timeout of one call
 */
public record ForgeRepository(String id, String identity, ForgeKind kind, URI apiUrl, String project, String token,
        URI targetUrl, Duration timeout) {

    public ForgeRepository {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(apiUrl, "apiUrl");
        Objects.requireNonNull(timeout, "timeout");
        if (project == null || !project.matches("[^/\\s]+(/[^/\\s]+)+")) {
            throw new IllegalArgumentException("project '" + project + "' is not a project path: give owner/repo"
                    + " (GitLab: group/subgroup/project)");
        }
        if (token == null || token.isBlank()) throw new IllegalArgumentException("the token is empty");
        if (!"https".equals(apiUrl.getScheme()) && !"http".equals(apiUrl.getScheme())) {
            throw new IllegalArgumentException("api-url '" + apiUrl + "' is not an http(s) URL");
        }
    }

    /**
     * A repository from its configured clone URL: the API's URL and the project path default from the URL (its host;
     * its path without {@code .git}) unless given.
     *
     * @throws IllegalArgumentException saying which value is wrong and what to give
     */
    public static ForgeRepository of(String id, String url, String forge, URI apiUrl, String project, String token,
            URI targetUrl, Duration timeout) {
        ForgeKind kind = ForgeKind.parse(forge);
        String identity = RepoIdentity.of(url);
        boolean local = identity.startsWith("file:");
        int slash = identity.indexOf('/');
        if (apiUrl == null && local) {
            throw new IllegalArgumentException("url '" + RepoIdentity.redact(url) + "' is a local path: give api-url"
                    + " and project too");
        }
        if (project == null && local) {
            throw new IllegalArgumentException("url '" + RepoIdentity.redact(url) + "' is a local path: give project"
                    + " (owner/repo) too");
        }
        String host = identity.substring(0, slash);
        return new ForgeRepository(id, identity, kind, apiUrl != null ? apiUrl : kind.defaultApiUrl(host),
                project != null ? project.strip().replaceAll("^/+|/+$", "") : identity.substring(slash + 1), token,
                targetUrl, timeout);
    }

    /** Whether an event's repository URL is this repository. */
    public boolean hosts(String repoUrl) {
        try {
            return identity.equals(RepoIdentity.of(repoUrl));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** {@code github statuses of owner/repo at https://api.github.com}: safe to log. */
    public String describe() {
        return kind.label() + " statuses of " + project + " at " + apiUrl;
    }

    @Override
    public String toString() {
        return "ForgeRepository[" + id + ": " + describe() + "]";
    }
}
