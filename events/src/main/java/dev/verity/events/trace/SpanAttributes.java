package dev.verity.events.trace;

import dev.verity.events.RepoIdentity;
import dev.verity.events.TargetKey;
import dev.verity.events.VerityEvent;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a span says about the work it times: the target ({@code verity.target}, {@code verity.cluster},
 * {@code verity.app}, {@code verity.env}), the repository (user info removed, so a token in a clone URL never reaches
 * a trace backend) and the commit, and the event's type. Never a payload, a document or a Secret value.
 */
public final class SpanAttributes {

    private SpanAttributes() {
    }

    /** The attributes of a span that processes or writes {@code event}. */
    public static Map<String, String> of(VerityEvent event) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("verity.event.type", event.type());
        event.targetKey().ifPresent(t -> attributes.putAll(of(t)));
        attributes.putAll(ofCommit(event.repo(), event.commit()));
        return attributes;
    }

    /** The attributes naming a target. */
    public static Map<String, String> of(TargetKey target) {
        Map<String, String> attributes = new LinkedHashMap<>();
        attributes.put("verity.target", target.toString());
        attributes.put("verity.cluster", target.cluster());
        attributes.put("verity.app", target.app());
        attributes.put("verity.env", target.env());
        return attributes;
    }

    /** The attributes naming a repository (redacted) and a commit; either may be null and is then left out. */
    public static Map<String, String> ofCommit(String repo, String commit) {
        Map<String, String> attributes = new LinkedHashMap<>();
        if (repo != null) attributes.put("verity.repo", RepoIdentity.redact(repo));
        if (commit != null) attributes.put("verity.commit", commit);
        return attributes;
    }
}
