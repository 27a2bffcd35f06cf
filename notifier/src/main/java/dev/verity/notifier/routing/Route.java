package dev.verity.notifier.routing;

import java.util.List;
import java.util.Objects;

/**
 * One route: alerts it {@link RouteMatch matches} go to its destinations (by name). Routes are tried in order;
 * the first that matches takes the alert, unless it says {@code continueMatching}, when later routes that match
 * take it too (as Alertmanager's {@code continue: true}).
 */
public record Route(String name, RouteMatch match, List<String> destinations, boolean continueMatching) {

    public Route {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(match, "match");
        destinations = List.copyOf(destinations);
    }
}
