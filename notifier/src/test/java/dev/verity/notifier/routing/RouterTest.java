package dev.verity.notifier.routing;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RouterTest {

    private static final AlertSubject PROD_DRIFT = new AlertSubject("prod-eu", "shop", "prod", "drift", "warning");
    private static final AlertSubject PROD_DEGRADED = new AlertSubject("prod-us", "shop", "prod", "degraded", "error");
    private static final AlertSubject DEV_DEGRADED = new AlertSubject("dev-eu", "shop", "dev", "degraded", "error");
    private static final AlertSubject PAYMENTS = new AlertSubject("prod-eu", "payments", "prod", "rollout-failure", "error");
    private static final AlertSubject REPOSITORY = new AlertSubject(null, null, null, "render-failure", "error");

    private final Router router = new Router(List.of(
            new Route("payments", new RouteMatch(List.of(), List.of("payments"), List.of(), List.of(), List.of()),
                    List.of("slack@payments"), true),
            new Route("prod-errors", new RouteMatch(List.of("prod-*"), List.of(), List.of(), List.of(), List.of("error")),
                    List.of("slack@prod-errors", "email@prod-errors"), false),
            new Route("prod", new RouteMatch(List.of("prod-*"), List.of(), List.of("prod"), List.of("drift", "degraded"),
                    List.of()), List.of("slack@prod"), false)),
            List.of("slack", "email"));

    @Test
    void theFirstMatchingRouteTakesTheAlert() {
        assertThat(router.destinationsFor(PROD_DEGRADED)).containsExactly("slack@prod-errors", "email@prod-errors");
        assertThat(router.destinationsFor(PROD_DRIFT)).as("a warning: past prod-errors").containsExactly("slack@prod");
    }

    @Test
    void aRouteThatContinuesLetsTheNextMatchingOnesTakeItToo() {
        assertThat(router.destinationsFor(PAYMENTS)).containsExactly("slack@payments", "slack@prod-errors",
                "email@prod-errors");
    }

    @Test
    void whatNoRouteMatchesGoesToTheDefaultRoute() {
        assertThat(router.destinationsFor(DEV_DEGRADED)).containsExactly("slack", "email");
        assertThat(router.destinationsFor(REPOSITORY)).as("no cluster: prod-* cannot match it")
                .containsExactly("slack", "email");
        assertThat(Router.defaultsOnly(List.of("slack")).destinationsFor(PROD_DRIFT)).containsExactly("slack");
    }

    @Test
    void aContinuingRouteAloneStillCountsAsAMatch() {
        Router continuing = new Router(List.of(new Route("all", RouteMatch.ANY, List.of("webhook@all"), true)),
                List.of("slack"));
        assertThat(continuing.destinationsFor(DEV_DEGRADED)).containsExactly("webhook@all");
    }

    @Test
    void aGroupGoesToEveryDestinationOfItsMembersOnce() {
        assertThat(router.destinationsFor(List.of(PROD_DRIFT, DEV_DEGRADED, PROD_DEGRADED))).containsExactly(
                "slack@prod", "slack", "email", "slack@prod-errors", "email@prod-errors");
    }

    @Test
    void globsMatchWholeNamesAndWrongNamesAreRefused() {
        RouteMatch eu = new RouteMatch(List.of("*-eu"), List.of("sho*"), List.of(), List.of(), List.of());
        assertThat(eu.matches(PROD_DRIFT)).isTrue();
        assertThat(eu.matches(PROD_DEGRADED)).isFalse();
        assertThat(new RouteMatch(List.of("prod"), List.of(), List.of(), List.of(), List.of()).matches(PROD_DRIFT))
                .as("prod is not prod-eu").isFalse();
        assertThatThrownBy(() -> new RouteMatch(List.of(), List.of(), List.of(), List.of("drfit"), List.of()))
                .hasMessageContaining("kind 'drfit' is not one of drift, drift-unknown");
        assertThatThrownBy(() -> new RouteMatch(List.of(), List.of(), List.of(), List.of(), List.of("critical")))
                .hasMessageContaining("severity 'critical' is not one of error, warning");
        assertThatThrownBy(() -> new Router(List.of(new Route("a", RouteMatch.ANY, List.of(), false),
                new Route("a", RouteMatch.ANY, List.of(), false)), List.of())).hasMessageContaining("two routes are named a");
    }
}
