package dev.verity.notifier.statuspage;

import dev.verity.fleet.FleetView;
import dev.verity.fleet.LiveFleet;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.CacheControl;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.EntityTag;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Request;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.UUID;

/**
 * The status page's endpoints. {@code GET /status}: the page; {@code /status/status.js} and
 * {@code /status/status.css}: its script and style (no CDN, no build step); {@code GET /status/api/targets}
 * (optionally {@code ?cluster=<name>}): the view as JSON, with an {@code ETag}, so the page's poll every 2 s is
 * answered {@code 304} while nothing changed. Every answer forbids inline and foreign scripts
 * ({@code Content-Security-Policy}) and content sniffing; the page itself only ever writes text, never markup, from
 * what the topics say.
 */
@Path("/status")
public class StatusPageResource {

    /**
     * Only this service's own files; no inline script or style, no framing. {@code data:} images only for the page's
     * empty icon, which keeps browsers from asking for {@code /favicon.ico} (a 404, and a trace) at every load.
     */
    static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
            + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    private static final String PAGE = asset("index.html");
    private static final String SCRIPT = asset("status.js");
    private static final String STYLE = asset("status.css");
    /** Distinguishes this process's versions from another replica's or an earlier run's. */
    private static final String INSTANCE = UUID.randomUUID().toString().substring(0, 8);

    @Inject
    StatusFeed feed;

    @GET
    @Produces(MediaType.TEXT_HTML)
    public Response page(@Context UriInfo uri) {
        // the page names its files relative to /status; from /status/ they would resolve below it
        if (uri.getPath().endsWith("/")) return Response.status(Response.Status.MOVED_PERMANENTLY).location(URI.create("../status")).build();
        return file(PAGE, "text/html; charset=utf-8");
    }

    @GET
    @Path("status.js")
    public Response script() {
        return file(SCRIPT, "text/javascript; charset=utf-8");
    }

    @GET
    @Path("status.css")
    public Response style() {
        return file(STYLE, "text/css; charset=utf-8");
    }

    @GET
    @Path("api/targets")
    @Produces(MediaType.APPLICATION_JSON)
    public Response targets(@QueryParam("cluster") String cluster, @Context Request request) {
        Optional<LiveFleet.Published> current = feed.current();
        if (current.isEmpty()) return off();
        EntityTag tag = new EntityTag(INSTANCE + "-" + current.get().version());
        Response.ResponseBuilder notModified = request.evaluatePreconditions(tag);
        if (notModified != null) return secured(notModified.tag(tag)).build();
        FleetView view = current.get().view().ofCluster(cluster);
        return secured(Response.ok(view, MediaType.APPLICATION_JSON_TYPE).tag(tag)).build();
    }

    private Response file(String body, String type) {
        if (feed.current().isEmpty()) return off();
        return secured(Response.ok(body, type)).build();
    }

    private static Response off() {
        return secured(Response.status(Response.Status.NOT_FOUND)
                .entity("The status page is off (verity.notifier.status-page.enabled=false).\n").type(MediaType.TEXT_PLAIN_TYPE)).build();
    }

    private static Response.ResponseBuilder secured(Response.ResponseBuilder response) {
        CacheControl noCache = new CacheControl();
        noCache.setNoCache(true);
        return response.cacheControl(noCache)
                .header("Content-Security-Policy", CSP)
                .header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer");
    }

    private static String asset(String name) {
        try (InputStream in = StatusPageResource.class.getResourceAsStream("/status-page/" + name)) {
            if (in == null) throw new IllegalStateException("status-page/" + name + " is missing from the notifier's jar");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read status-page/" + name + " from the notifier's jar", e);
        }
    }
}
