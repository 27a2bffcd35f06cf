package dev.verity.notifier.alert;

import dev.verity.events.EventCodec;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class EmailFormatterTest {

    private final AlertComposer composer = new AlertComposer();
    private final EmailFormatter formatter = new EmailFormatter("[verity]");

    @Test
    void driftMailSubjectAndBodyNameObjectFieldTargetAndCommit() {
        var event = SampleEvents.replicasChanged("1234");
        Email email = formatter.format(composer.compose(event).orElseThrow());

        assertThat(email.subject()).isEqualTo(
                "[verity] WARNING Drift: Deployment shop-prod/web was changed outside Git (local/shop/prod@3f2c1e9a7b6d)");
        assertThat(email.text()).isEqualTo("""
                Drift: Deployment shop-prod/web was changed outside Git

                Someone changed spec.replicas of Deployment shop-prod/web outside Git.
                Target local/shop/prod is at commit 3f2c1e9a7b6d.

                Severity:   WARNING
                Target:     local/shop/prod
                Object:     Deployment shop-prod/web
                Fields:     spec.replicas
                Repository: https://git.example.com/acme/gitops.git
                Commit:     3f2c1e9a7b6d5c4e3f2a1b0c9d8e7f6a5b4c3d2e

                What to do: Revert spec.replicas in the cluster, or commit the change to \
                https://git.example.com/acme/gitops.git so that Git says what runs. \
                A target with selfHeal on is reverted by Verity. To see the whole difference: ./verity diff \
                local/shop/prod (with the cluster's kubeconfig), or, in a checkout of \
                3f2c1e9a7b6d: kubectl kustomize apps/shop/overlays/prod | kubectl diff --server-side \
                --field-manager=verity -f - (against cluster local; the overlay is elsewhere if verity.yaml gives the \
                app another path).

                --\s
                Verity · event %s · trace %s
                """.formatted(EventCodec.idOf(event), EventCodec.traceparentOf(event).split("-")[1]));
        assertThat(email.html()).contains("<h2>Drift: Deployment shop-prod/web was changed outside Git</h2>",
                "<code>spec.replicas</code>", "<code>local/shop/prod</code>");
    }

    @Test
    void renderFailureMailIndentsTheErrorAndNamesThePath() {
        Email email = formatter.format(composer.compose(SampleEvents.renderFailed(
                "patch targets Deployment/web2 <missing>\n(apps/shop/overlays/prod/kustomization.yaml)")).orElseThrow());

        assertThat(email.subject()).isEqualTo("[verity] ERROR Render failed: local/shop/prod at commit 3f2c1e9a7b6d "
                + "(local/shop/prod@3f2c1e9a7b6d)");
        assertThat(email.text()).contains("Path:       apps/shop/overlays/prod\n",
                "Error:\n    patch targets Deployment/web2 <missing>\n    (apps/shop/overlays/prod/kustomization.yaml)\n");
        assertThat(email.html()).contains("<pre>patch targets Deployment/web2 &lt;missing&gt;\n");
    }

    @Test
    void aCommitOnAKnownForgeIsLinked() {
        Alert alert = composer.compose(new dev.verity.events.ApplyFailed(SampleEvents.PROD,
                "git@github.com:acme/gitops.git", SampleEvents.COMMIT, "sha256:1", null, "denied")).orElseThrow();
        assertThat(formatter.format(alert).text()).contains("Change:     https://github.com/acme/gitops/commit/"
                + SampleEvents.COMMIT + "\n");
    }

    @Test
    void subjectIsOneLineAndBounded() {
        Alert alert = composer.compose(SampleEvents.renderFailed("x")).orElseThrow();
        Alert longTitle = new Alert(alert.eventId(), alert.eventType(), alert.severity(), "a\nb" + "c".repeat(300),
                alert.summary(), alert.details(), alert.target(), alert.repo(), alert.commit(), alert.object(),
                alert.fields(), alert.path(), alert.nextStep(), alert.traceparent());
        assertThat(formatter.subject(longTitle)).doesNotContain("\n").hasSize(EmailFormatter.MAX_SUBJECT_CHARS).endsWith("…");
        assertThat(new EmailFormatter("").subject(alert)).startsWith("ERROR Render failed");
    }
}
