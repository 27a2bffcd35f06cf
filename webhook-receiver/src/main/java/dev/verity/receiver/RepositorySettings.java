package dev.verity.receiver;

import java.util.List;
import java.util.Optional;

/**
 * How one repository's webhooks are received.
 *
 * @param id          the name under which it is configured ({@code verity.receiver.repositories.<id>.*}), and the
 *                    last segment of its endpoint {@code /hooks/<forge>/<id>}
 * @param url         the repository's clone URL; published as the events' {@code repo} for deliveries to its
 *                    endpoint (on {@code /hooks/github}, also matched against the payload's URLs, see
 *                    {@link dev.verity.events.RepoIdentity})
 * @param secret      the webhook secret, or GitLab's secret token; never printed
 * @param branch      the branch Verity renders; pushes to other branches are ignored (empty: the default branch;
 *                    {@code *}: every branch, the renderer picks)
 * @param forge       the forge whose endpoint may deliver for it; empty: any forge's endpoint
 * @param signingKeys GitLab signing tokens ({@code whsec_…}); when set, GitLab deliveries must be signed with one
 */
public record RepositorySettings(String id, String url, String secret, Optional<String> branch,
        Optional<String> forge, List<String> signingKeys) {

    /** Any branch: {@code branch=*} publishes pushes to every branch and leaves the choice to the renderer. */
    public static final String ANY_BRANCH = "*";

    public RepositorySettings {
        branch = branch == null ? Optional.empty() : branch.filter(b -> !b.isBlank()).map(String::trim);
        forge = forge == null ? Optional.empty() : forge.filter(f -> !f.isBlank()).map(String::trim);
        signingKeys = signingKeys == null ? List.of()
                : signingKeys.stream().filter(k -> k != null && !k.isBlank()).map(String::trim).toList();
    }

    public RepositorySettings(String id, String url, String secret, Optional<String> branch) {
        this(id, url, secret, branch, Optional.empty(), List.of());
    }

    @Override
    public String toString() {
        return "RepositorySettings[id=" + id + ", url=" + url + ", secret=****, branch=" + branch.orElse("(default)")
                + ", forge=" + forge.orElse("(any)") + ", signingKeys=" + signingKeys.size() + "]";
    }
}
