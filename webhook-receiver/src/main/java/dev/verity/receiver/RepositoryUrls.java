package dev.verity.receiver;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Compares repository URLs the way people write them: {@code https://github.com/o/r.git},
 * {@code https://github.com/o/r}, {@code git@github.com:o/r.git} and {@code ssh://git@github.com/o/r} all name
 * the same repository. Scheme, user, port, a trailing {@code .git} or {@code /} and the case of the host do not
 * matter; the path's case does (forges differ on it, so Verity does not guess).
 */
public final class RepositoryUrls {

    /** {@code user@host:path}, the scp-like form Git accepts for SSH. */
    private static final Pattern SCP_LIKE = Pattern.compile("^(?:[^@/]+@)?([^:/]+):(?!//)(.+)$");

    private RepositoryUrls() {
    }

    /** The form two URLs of one repository share: {@code host/path} without {@code .git}, or the path for files. */
    public static String identity(String url) {
        String u = url.trim();
        String host;
        String path;
        Matcher scp = SCP_LIKE.matcher(u);
        if (!u.contains("://") && scp.matches()) {
            host = scp.group(1);
            path = scp.group(2);
        } else {
            try {
                URI uri = new URI(u);
                host = uri.getHost() == null ? "" : uri.getHost();
                path = uri.getPath() == null ? u : uri.getPath();
            } catch (URISyntaxException e) {
                host = "";
                path = u;
            }
        }
        path = path.replaceAll("/+$", "");
        if (path.endsWith(".git")) path = path.substring(0, path.length() - ".git".length());
        path = path.replaceAll("^/+", "");
        return host.toLowerCase(Locale.ROOT) + "/" + path;
    }

    public static boolean sameRepository(String a, String b) {
        return identity(a).equals(identity(b));
    }
}
