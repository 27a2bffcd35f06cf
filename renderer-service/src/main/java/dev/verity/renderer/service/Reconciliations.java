package dev.verity.renderer.service;

import dev.verity.renderer.render.RepositoryReconciler;
import dev.verity.renderer.render.RepositoryReconciler.Outcome;
import org.jboss.logging.Logger;

/** Runs a reconciliation and logs its outcome; shared by the commit consumer and the poll timer. */
final class Reconciliations {

    private static final Logger LOG = Logger.getLogger(Reconciliations.class);

    private Reconciliations() {
    }

    /** Reconciles; a failure is logged (the next poll retries) and reported as false. */
    static boolean run(RepositoryReconciler reconciler, String reason) {
        try {
            Outcome outcome = reconciler.reconcile(LOG::warn);
            if (outcome instanceof Outcome.Rendered r) {
                LOG.infof("%s#%s@%s rendered (%s): %d event(s) published, unchanged targets skipped", reconciler.url(),
                        reconciler.branch(), r.commit().substring(0, Math.min(12, r.commit().length())), reason,
                        r.published().size());
            } else if (outcome instanceof Outcome.FetchFailed f) {
                LOG.errorf("%s#%s (%s): %s", reconciler.url(), reconciler.branch(), reason, f.error());
            } else if (outcome instanceof Outcome.Unchanged u) {
                LOG.debugf("%s#%s@%s unchanged (%s)", reconciler.url(), reconciler.branch(), u.commit(), reason);
            }
            return true;
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s#%s: rendering (%s) failed: %s. The next poll tries again.", reconciler.url(),
                    reconciler.branch(), reason, e.getMessage());
            return false;
        }
    }
}
