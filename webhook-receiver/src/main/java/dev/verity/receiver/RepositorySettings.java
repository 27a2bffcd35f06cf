package dev.verity.receiver;

import java.util.Optional;

/**
 * How one repository's webhooks are received.
 *
 * @param id     the name under which it is configured ({@code verity.receiver.repositories.<id>.*})
 * @param url    any URL of the repository (clone, web or SSH form; see {@link RepositoryUrls})
 * @param secret the webhook secret; never printed
 * @param branch the branch Verity renders; pushes to other branches are ignored (empty: the default branch)
 */
public record RepositorySettings(String id, String url, String secret, Optional<String> branch) {

    public RepositorySettings {
        branch = branch == null ? Optional.empty() : branch.filter(b -> !b.isBlank()).map(String::trim);
    }

    @Override
    public String toString() {
        return "RepositorySettings[id=" + id + ", url=" + url + ", secret=****, branch=" + branch.orElse("(default)") + "]";
    }
}
