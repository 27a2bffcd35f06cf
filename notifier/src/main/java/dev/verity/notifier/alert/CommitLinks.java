package dev.verity.notifier.alert;

import java.net.URI;
import java.util.Locale;
import java.util.Optional;

/**
 * The web page of a commit when its repository is on a forge whose URLs are known from the host name: GitHub
 * ({@code github.com} or a host with {@code github} in its name: {@code <repo>/commit/<sha>}), GitLab
 * ({@code gitlab} in the name: {@code <repo>/-/commit/<sha>}) and Gitea/Forgejo ({@code gitea}, {@code forgejo} in
 * the name, or {@code codeberg.org}: {@code <repo>/commit/<sha>}). Clone URLs over HTTPS, SSH ({@code ssh://} or
 * {@code git@host:owner/repo.git}) are understood; credentials in the URL are never part of the link. Other hosts
 * have no link.
 */
public final class CommitLinks {

    private CommitLinks() {
    }

    public static Optional<String> of(String repo, String commit) {
        if (repo == null || commit == null || !commit.matches("[0-9a-f]{7,64}")) return Optional.empty();
        String host;
        String path;
        try {
            String r = repo.strip();
            if (r.matches("[\\w.-]+@[\\w.-]+:[^/].*")) { // scp-like: git@github.com:owner/repo.git
                host = r.substring(r.indexOf('@') + 1, r.indexOf(':'));
                path = "/" + r.substring(r.indexOf(':') + 1);
            } else {
                URI uri = URI.create(r);
                String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
                if (!scheme.equals("https") && !scheme.equals("http") && !scheme.equals("ssh") && !scheme.equals("git")) {
                    return Optional.empty();
                }
                host = uri.getHost();
                path = uri.getPath();
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (host == null || path == null) return Optional.empty();
        path = path.replaceAll("/+$", "").replaceAll("\\.git$", "");
        if (path.chars().filter(c -> c == '/').count() < 2) return Optional.empty(); // needs /owner/repo
        String h = host.toLowerCase(Locale.ROOT);
        String base = "https://" + h + path;
        if (h.contains("github")) return Optional.of(base + "/commit/" + commit);
        if (h.contains("gitlab")) return Optional.of(base + "/-/commit/" + commit);
        if (h.contains("gitea") || h.contains("forgejo") || h.equals("codeberg.org")) {
            return Optional.of(base + "/commit/" + commit);
        }
        return Optional.empty();
    }
}
