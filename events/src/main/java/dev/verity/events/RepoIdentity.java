package dev.verity.events;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which repository a URL names, whatever way it is written: the one rule the receiver and the renderer share to
 * decide that a push is for a repository they were configured with.
 *
 * <p>The identity is {@code host[:port]/path}: the host lower-cased; the scheme, user info (a user name or a token),
 * a default port (https 443, http 80, ssh 22, git 9418), a trailing {@code /} and a trailing {@code .git} dropped.
 * So {@code git@github.com:acme/gitops.git}, {@code ssh://git@github.com/acme/gitops} and
 * {@code https://GitHub.com/acme/gitops/} are the same repository, {@code github.com/acme/gitops}. A port that is not
 * the scheme's default is kept ({@code ssh://git.example.com:2222/a/b} is {@code git.example.com:2222/a/b}): a forge
 * whose SSH and HTTP servers both listen on other ports needs the same URL scheme in the receiver's and the renderer's
 * configuration. The path keeps its case. Local repositories ({@code file:} URLs and plain paths) are
 * {@code file:///<path>}.
 *
 * <p>{@link #redact(String)} is what logs, errors and events may show of a URL: no user info, so a token written
 * into a clone URL never leaves the process.
 */
public final class RepoIdentity {

    /** {@code [user@]host:path}, as git's scp-like syntax: no scheme, and no {@code //} after the colon. */
    private static final Pattern SCP_LIKE = Pattern.compile("^(?:[^@/]+@)?([^:/\\\\]{2,}):(?!//)(.+)$");
    private static final Pattern USER_INFO = Pattern.compile("(?<=://)[^/@]*@");

    private RepoIdentity() {
    }

    /**
     * The identity of the repository {@code url} names.
     *
     * @throws IllegalArgumentException when {@code url} is empty or names no repository (the message shows it
     *                                  without user info)
     */
    public static String of(String url) {
        if (url == null || url.isBlank()) throw new IllegalArgumentException("a repository URL is empty: set it to the clone URL");
        String u = url.trim();
        Matcher scp = SCP_LIKE.matcher(u);
        if (!u.contains("://") && !u.startsWith("file:") && !u.startsWith("/") && scp.matches()) {
            return hostAndPath(scp.group(1), -1, "ssh", scp.group(2), url);
        }
        if (u.startsWith("/")) return local(u);
        try {
            URI uri = new URI(u);
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (scheme == null) throw invalid(url, "it has no scheme");
            String path = uri.getPath() == null ? "" : uri.getPath();
            if (scheme.equals("file")) return local(path.isEmpty() ? uri.getSchemeSpecificPart() : path);
            if (uri.getHost() == null) throw invalid(url, "it names no host");
            return hostAndPath(uri.getHost(), uri.getPort(), scheme, path, url);
        } catch (URISyntaxException e) {
            throw invalid(url, e.getReason());
        }
    }

    /** Whether the two URLs name the same repository; false when either names none. */
    public static boolean same(String a, String b) {
        try {
            return of(a).equals(of(b));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** The URL without user info ({@code https://bot:TOKEN@host/x} → {@code https://host/x}), for logs and events. */
    public static String redact(String url) {
        return url == null ? null : USER_INFO.matcher(url).replaceFirst("");
    }

    private static String hostAndPath(String host, int port, String scheme, String path, String url) {
        String p = trimPath(path);
        if (p.isEmpty()) throw invalid(url, "it names a host but no repository path");
        boolean defaultPort = port == -1 || port == defaultPort(scheme);
        return host.toLowerCase(Locale.ROOT) + (defaultPort ? "" : ":" + port) + "/" + p;
    }

    private static int defaultPort(String scheme) {
        return switch (scheme) {
            case "https" -> 443;
            case "http" -> 80;
            case "ssh", "git+ssh", "ssh+git" -> 22;
            case "git" -> 9418;
            default -> -2;
        };
    }

    /** A local repository: its absolute path, {@code .} and {@code ..} resolved. */
    private static String local(String path) {
        return "file:///" + trimPath(java.nio.file.Path.of("/", path).normalize().toString());
    }

    /** Without leading and trailing {@code /} and trailing {@code .git}, in any order and number. */
    private static String trimPath(String path) {
        String p = path;
        boolean changed = true;
        while (changed) {
            changed = false;
            if (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
                changed = true;
            } else if (p.endsWith(".git")) {
                p = p.substring(0, p.length() - 4);
                changed = true;
            }
        }
        int start = 0;
        while (start < p.length() && p.charAt(start) == '/') start++;
        return p.substring(start);
    }

    private static IllegalArgumentException invalid(String url, String why) {
        return new IllegalArgumentException("'" + redact(Objects.toString(url)) + "' is not a repository URL (" + why
                + "): use an https://, ssh:// or file:// URL, or git@host:owner/repo");
    }
}
