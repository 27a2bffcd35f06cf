package dev.verity.renderer.git;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Repository URLs compared the way people mean them: {@code https://GitHub.com/acme/gitops.git/} and
 * {@code https://github.com/acme/gitops} name the same repository. Normalising lower-cases scheme and host, drops
 * credentials, default ports, a trailing {@code /} and {@code .git}; the path keeps its case.
 */
public final class RepoUrl {

    private static final Pattern SCP_LIKE = Pattern.compile("^(?:([^@/]+)@)?([^:/]+):(?!//)(.*)$");

    private RepoUrl() {
    }

    /** The normal form used to match a pushed repository against the configured ones. */
    public static String normalize(String url) {
        if (url == null || url.isBlank()) throw new IllegalArgumentException("repository URL is empty");
        String u = url.trim();
        Matcher scp = SCP_LIKE.matcher(u);
        if (!u.contains("://") && !u.startsWith("file:") && scp.matches()) {
            return "ssh://" + scp.group(2).toLowerCase(Locale.ROOT) + "/" + trimPath(scp.group(3).replaceAll("^/+", ""));
        }
        try {
            URI uri = new URI(u);
            String scheme = uri.getScheme() == null ? "file" : uri.getScheme().toLowerCase(Locale.ROOT);
            String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
            int port = uri.getPort();
            boolean defaultPort = port == -1 || (scheme.equals("https") && port == 443) || (scheme.equals("http") && port == 80)
                    || (scheme.equals("ssh") && port == 22);
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            if (scheme.equals("file")) return "file://" + trimPath(path);
            return scheme + "://" + host + (defaultPort ? "" : ":" + port) + trimPath(path);
        } catch (URISyntaxException e) {
            return trimPath(u);
        }
    }

    /** The URL without credentials, for logs and events. */
    public static String redact(String url) {
        return url == null ? null : url.replaceAll("(://)[^/@]*@", "$1");
    }

    /** A name safe for a directory, readable and unique per normal form. */
    public static String directoryName(String url) {
        String normal = normalize(url);
        String readable = normal.replaceAll("^[a-z]+://", "").replaceAll("[^A-Za-z0-9._-]+", "_")
                .replaceAll("^_+|_+$", "");
        if (readable.length() > 60) readable = readable.substring(readable.length() - 60);
        return readable + "-" + dev.verity.events.Digests.hex(normal).substring(0, 10);
    }

    private static String trimPath(String path) {
        String p = path;
        boolean changed = true;
        while (changed) {
            changed = false;
            if (p.endsWith("/")) {
                p = p.substring(0, p.length() - 1);
                changed = true;
            }
            if (p.endsWith(".git")) {
                p = p.substring(0, p.length() - 4);
                changed = true;
            }
        }
        return p;
    }
}
