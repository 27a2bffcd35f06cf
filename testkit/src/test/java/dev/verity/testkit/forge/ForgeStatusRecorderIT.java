package dev.verity.testkit.forge;

import dev.verity.testkit.forge.ForgeStatusRecorder.Api;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** The stand-in answers each forge's statuses API as the forge does, over real HTTP, and records every call. */
class ForgeStatusRecorderIT {

    static final String SHA = "0123456789abcdef0123456789abcdef01234567";
    final ForgeStatusRecorder forge = ForgeStatusRecorder.start();
    final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        forge.close();
    }

    @Test
    void githubTakesAGoodStatusAndRefusesAWrongTokenABadStateAndALongDescription() throws Exception {
        String url = forge.apiUrl(Api.GITHUB) + "/repos/acme/shop/statuses/" + SHA;
        HttpResponse<String> ok = post(url, "Authorization", "Bearer " + forge.token(),
                "{\"state\":\"pending\",\"context\":\"verity/a/b/c\",\"description\":\"Applying\"}");
        assertThat(ok.statusCode()).isEqualTo(201);
        assertThat(ok.body()).contains("\"state\":\"pending\"", "\"context\":\"verity/a/b/c\"");

        HttpResponse<String> wrong = post(url, "Authorization", "Bearer nope", "{\"state\":\"success\"}");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.body()).contains("Bad credentials");
        assertThat(post(url, "X-Other", "x", "{\"state\":\"success\"}").body()).contains("Requires authentication");

        HttpResponse<String> badState = post(url, "Authorization", "token " + forge.token(), "{\"state\":\"failed\"}");
        assertThat(badState.statusCode()).isEqualTo(422);
        assertThat(badState.body()).contains("Validation Failed", "state");
        HttpResponse<String> tooLong = post(url, "Authorization", "token " + forge.token(),
                "{\"state\":\"success\",\"description\":\"" + "x".repeat(141) + "\"}");
        assertThat(tooLong.statusCode()).isEqualTo(422);

        assertThat(forge.calls()).extracting(StatusCall::answered).containsExactly(201, 401, 401, 422, 422);
        assertThat(forge.calls()).extracting(StatusCall::authorized).containsExactly(true, true, false, true, true);
        assertThat(forge.statuses(SHA)).singleElement().satisfies(c -> {
            assertThat(c.project()).isEqualTo("acme/shop");
            assertThat(c.context()).isEqualTo("verity/a/b/c");
        });
    }

    @Test
    void gitlabTakesTheContextAsNameRefusesABadStateWith400AndARepeatedStateAsATransition() throws Exception {
        String url = forge.apiUrl(Api.GITLAB) + "/projects/acme%2Fplatform%2Fshop/statuses/" + SHA;
        String running = "{\"state\":\"running\",\"name\":\"verity/a/b/c\"}";
        assertThat(post(url, "PRIVATE-TOKEN", forge.token(), running).statusCode()).isEqualTo(201);
        HttpResponse<String> again = post(url, "PRIVATE-TOKEN", forge.token(), running);
        assertThat(again.statusCode()).isEqualTo(400);
        assertThat(again.body()).contains("Cannot transition status via :run from :running");
        assertThat(post(url, "PRIVATE-TOKEN", forge.token(), "{\"state\":\"failure\"}").body())
                .contains("state does not have a valid value");
        assertThat(post(url, "PRIVATE-TOKEN", "nope", "{\"state\":\"failed\"}").statusCode()).isEqualTo(401);
        assertThat(forge.statuses(SHA)).singleElement().satisfies(c -> {
            assertThat(c.project()).isEqualTo("acme/platform/shop");
            assertThat(c.context()).isEqualTo("verity/a/b/c");
        });
    }

    @Test
    void giteaTakesWarningAndRefusesAnUnknownStateWith422() throws Exception {
        String url = forge.apiUrl(Api.GITEA) + "/repos/acme/shop/statuses/" + SHA;
        assertThat(post(url, "Authorization", "token " + forge.token(), "{\"state\":\"warning\",\"context\":\"c\"}")
                .statusCode()).isEqualTo(201);
        assertThat(post(url, "Authorization", "token " + forge.token(), "{\"state\":\"running\"}").statusCode())
                .isEqualTo(422);
        assertThat(post(url, "Authorization", "token wrong", "{\"state\":\"success\"}").statusCode()).isEqualTo(401);
        forge.failNext(1, 429, java.util.Map.of("Retry-After", "3"));
        HttpResponse<String> limited = post(url, "Authorization", "token " + forge.token(), "{\"state\":\"success\"}");
        assertThat(limited.statusCode()).isEqualTo(429);
        assertThat(limited.headers().firstValue("Retry-After")).contains("3");
        assertThat(http.send(HttpRequest.newBuilder(URI.create(forge.url())).build(),
                HttpResponse.BodyHandlers.ofString()).body()).contains("gitea acme/shop@0123456789ab c: warning");
    }

    private HttpResponse<String> post(String url, String header, String value, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header(header, value)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
