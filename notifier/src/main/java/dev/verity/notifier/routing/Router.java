package dev.verity.notifier.routing;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Which destinations an alert goes to, as Alertmanager routes: the routes are tried in order and the first that
 * matches takes the alert (one that says {@code continue} lets the later ones match too); an alert no route matches
 * goes to the default route's destinations. Destinations are named as the dispatcher knows them.
 */
public final class Router {

    private final List<Route> routes;
    private final List<String> defaults;

    /**
     * @param routes   in the order they are tried
     * @param defaults the default route: where an alert that no route matches goes
     */
    public Router(List<Route> routes, List<String> defaults) {
        this.routes = List.copyOf(routes);
        this.defaults = List.copyOf(defaults);
        Set<String> names = new java.util.HashSet<>();
        for (Route r : routes) {
            if (!names.add(r.name())) throw new IllegalArgumentException("two routes are named " + r.name());
        }
    }

    /** A router with no routes: everything to the default destinations. */
    public static Router defaultsOnly(List<String> defaults) {
        return new Router(List.of(), defaults);
    }

    /** The destinations of the subject, in route order, each once. */
    public Set<String> destinationsFor(AlertSubject subject) {
        Set<String> to = new LinkedHashSet<>();
        boolean matched = false;
        for (Route route : routes) {
            if (!route.match().matches(subject)) continue;
            matched = true;
            to.addAll(route.destinations());
            if (!route.continueMatching()) break;
        }
        if (!matched) to.addAll(defaults);
        return to;
    }

    /** The destinations of several subjects (a grouped announcement): each one's, in order, each once. */
    public Set<String> destinationsFor(List<AlertSubject> subjects) {
        Set<String> to = new LinkedHashSet<>();
        subjects.forEach(s -> to.addAll(destinationsFor(s)));
        return to;
    }

    public List<Route> routes() {
        return routes;
    }

    public List<String> defaults() {
        return defaults;
    }
}
