package dev.verity.drift;

import io.fabric8.kubernetes.client.http.BasicBuilder;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.Interceptor;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the drift monitor's requests to the API server by what they are, as the client sends them, so that the
 * informers' behaviour can be seen from outside: {@code list} (the first page of a list; the pages after it are part
 * of the same list), {@code watch}, {@code get} (one object by name), and, per resource, the relists (a list of a
 * resource after its first, as an informer does after 410 Gone or a failure) and the watch restarts (a watch of a
 * resource after its first: resumed from the last resourceVersion after the server closed it, or after a relist).
 *
 * <p>It sees every request the client makes, its own retries included, changes none, and knows nothing of drift.
 */
final class ApiRequests implements Interceptor {

    static final String NAME = "verity-drift-requests";

    /** What one request was. */
    enum Kind { LIST, RELIST, WATCH, WATCH_RESTART, GET, OTHER }

    /** Hears each request as it is sent. */
    interface Listener {
        void request(Kind kind, String resource);
    }

    private final Listener listener;
    /** lists and watches seen per resource path (group/version/plural: the informers watch all namespaces) */
    private final Map<String, AtomicLong> lists = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> watches = new ConcurrentHashMap<>();

    ApiRequests(Listener listener) {
        this.listener = listener;
    }

    @Override
    public void before(BasicBuilder builder, HttpRequest request, RequestTags tags) {
        sent(request.method(), request.uri());
    }

    /** Counts one request sent and tells the listener what it was. */
    Kind sent(String method, URI uri) {
        Kind kind = classify(method, uri);
        String resource = resource(uri.getRawPath());
        if (kind == Kind.LIST && lists.computeIfAbsent(resource, r -> new AtomicLong()).getAndIncrement() > 0) {
            kind = Kind.RELIST;
        } else if (kind == Kind.WATCH && watches.computeIfAbsent(resource, r -> new AtomicLong()).getAndIncrement() > 0) {
            kind = Kind.WATCH_RESTART;
        }
        listener.request(kind, resource);
        return kind;
    }

    /**
     * What a request is, from its method and URI: a GET with {@code watch=true} (or {@code 1}) is a watch; a GET of
     * a collection (its path ends with a plural resource name: an even number of segments after the group version,
     * counting {@code namespaces/<ns>}) is a list, unless it continues one ({@code continue=}); a GET of one object is
     * a get.
     */
    static Kind classify(String method, URI uri) {
        if (!"GET".equalsIgnoreCase(method)) return Kind.OTHER;
        String query = uri.getRawQuery() == null ? "" : "&" + uri.getRawQuery() + "&";
        if (query.contains("&watch=true&") || query.contains("&watch=1&")) return Kind.WATCH;
        String[] segments = afterGroupVersion(uri.getRawPath());
        if (segments == null) return Kind.OTHER;
        int length = segments.length;
        if (length >= 2 && segments[0].equals("namespaces") && length != 2) {
            // namespaces/<ns>/<resource>[/<name>[/<subresource>]]
            length -= 2;
        }
        if (length == 1) return query.contains("&continue=") ? Kind.OTHER : Kind.LIST;
        return length == 2 ? Kind.GET : Kind.OTHER;
    }

    /**
     * The resource a path names, as group/version/plural without namespace, name or subresource:
     * {@code v1/configmaps}, {@code apps/v1/deployments}; any other path as it is.
     */
    static String resource(String path) {
        String[] segments = afterGroupVersion(path);
        if (segments == null || segments.length == 0) return path;
        String[] all = path.replaceAll("^/+|/+$", "").split("/");
        String groupVersion = all[0].equals("api") ? all[1] : all[1] + "/" + all[2];
        boolean namespaced = segments.length >= 3 && segments[0].equals("namespaces");
        return groupVersion + "/" + (namespaced ? segments[2] : segments[0]);
    }

    /** The path segments after {@code /api/v1} or {@code /apis/<group>/<version>}; null for any other path. */
    private static String[] afterGroupVersion(String path) {
        String[] all = path.replaceAll("^/+|/+$", "").split("/");
        int skip;
        if (all.length >= 2 && all[0].equals("api")) skip = 2;
        else if (all.length >= 3 && all[0].equals("apis")) skip = 3;
        else return null;
        String[] rest = new String[all.length - skip];
        System.arraycopy(all, skip, rest, 0, rest.length);
        return rest;
    }
}
