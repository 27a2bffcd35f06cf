package dev.verity.notifier.alert;

import dev.verity.events.ApplyFailed;
import dev.verity.events.DriftDetected;
import dev.verity.events.DriftKind;
import dev.verity.events.DriftResolved;
import dev.verity.events.ObjectRef;
import dev.verity.events.RenderFailed;
import dev.verity.events.TargetKey;

import java.util.List;

/** Events as the other services publish them, for tests. */
public final class SampleEvents {
    public static final String REPO = "https://git.example.com/acme/gitops.git";
    public static final String COMMIT = "3f2c1e9a7b6d5c4e3f2a1b0c9d8e7f6a5b4c3d2e";
    public static final TargetKey PROD = TargetKey.parse("local/shop/prod");
    public static final ObjectRef WEB = new ObjectRef("apps/v1", "Deployment", "shop-prod", "web");

    private SampleEvents() {
    }

    public static DriftDetected replicasChanged(String resourceVersion) {
        return new DriftDetected(PROD, REPO, COMMIT, WEB, DriftKind.MODIFIED, List.of("spec.replicas"), resourceVersion);
    }

    public static DriftDetected drift(ObjectRef object, DriftKind kind, List<String> fields, String resourceVersion) {
        return new DriftDetected(PROD, REPO, COMMIT, object, kind, fields, resourceVersion);
    }

    public static DriftResolved resolved() {
        return new DriftResolved(PROD, REPO, COMMIT, WEB, "1240");
    }

    public static RenderFailed renderFailed(String error) {
        return new RenderFailed(PROD, REPO, COMMIT, "apps/shop/overlays/prod", error);
    }

    public static dev.verity.events.Degraded degraded() {
        return new dev.verity.events.Degraded(PROD, REPO, COMMIT, "sha256:abc", "local/shop/prod@3f2c1e9a7b6d: 1 object(s)"
                + " failed after the apply: Deployment shop-prod/web: Progressing=False ProgressDeadlineExceeded",
                List.of(new dev.verity.events.ObjectReason(WEB, "Progressing=False ProgressDeadlineExceeded: ReplicaSet"
                        + " \"web-5d4f\" has timed out progressing.")), false);
    }

    public static ApplyFailed applyFailed() {
        return new ApplyFailed(PROD, REPO, COMMIT, "sha256:abc", WEB,
                "Deployment shop-prod/web: admission webhook denied the request: replicas must be at most 10");
    }
}
