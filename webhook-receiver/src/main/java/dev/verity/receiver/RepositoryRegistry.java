package dev.verity.receiver;

import dev.verity.events.RepoIdentity;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The repositories this receiver accepts webhooks for, each with its secret and branch, plus an optional
 * default secret for any other repository. Built once from configuration; an invalid configuration fails here,
 * at start-up, with a message naming the key to fix.
 */
public final class RepositoryRegistry {

    public static final String PREFIX = "verity.receiver.";
    public static final String REPOSITORIES = PREFIX + "repositories";
    public static final String DEFAULT_SECRET = PREFIX + "default-secret";
    public static final String DEFAULT_BRANCH = PREFIX + "default-branch";

    /** What a delivery for one repository is checked and filtered with. */
    public record Match(String secret, String branch, String secretKey, String branchKey) {
        @Override
        public String toString() {
            return "Match[secret=****, branch=" + branch + ", secretKey=" + secretKey + ", branchKey=" + branchKey + "]";
        }
    }

    private final List<RepositorySettings> repositories;
    private final Optional<String> defaultSecret;
    private final String defaultBranch;

    public RepositoryRegistry(List<RepositorySettings> repositories, Optional<String> defaultSecret,
            String defaultBranch) {
        List<String> errors = new ArrayList<>();
        Map<String, String> idByIdentity = new TreeMap<>();
        for (RepositorySettings r : repositories) {
            String key = REPOSITORIES + "." + r.id();
            if (r.url() == null || r.url().isBlank()) {
                errors.add(key + ".url is empty: set it to the repository's clone URL");
            } else {
                String identity = null;
                try {
                    identity = RepoIdentity.of(r.url());
                } catch (IllegalArgumentException e) {
                    errors.add(key + ".url: " + e.getMessage());
                }
                String other = identity == null ? null : idByIdentity.putIfAbsent(identity, r.id());
                if (other != null) {
                    errors.add(key + ".url names the same repository as " + REPOSITORIES + "." + other
                            + ".url (" + RepoIdentity.redact(r.url()) + "): keep one of them");
                }
            }
            if (r.secret() == null || r.secret().isBlank()) {
                errors.add(key + ".secret is empty: set it to the webhook's secret (from the environment, or name a"
                        + " file holding it with " + key + ".secret-file; never from a file in Git)");
            }
            for (String signingKey : r.signingKeys()) {
                try {
                    StandardWebhookSignature.key(signingKey);
                } catch (IllegalArgumentException e) {
                    errors.add(key + ".signing-key: " + e.getMessage());
                }
            }
        }
        if (defaultSecret.isPresent() && defaultSecret.get().isBlank()) {
            errors.add(DEFAULT_SECRET + " is blank: unset it or give it a value");
        }
        if (defaultBranch == null || defaultBranch.isBlank()) {
            errors.add(DEFAULT_BRANCH + " is empty: set the branch Verity renders (usually main)");
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("webhook-receiver configuration is invalid:\n  " + String.join("\n  ", errors));
        }
        this.repositories = List.copyOf(repositories);
        this.defaultSecret = defaultSecret;
        this.defaultBranch = defaultBranch.trim();
    }

    /** The settings for the repository a delivery names: its own entry, else the default secret, else none. */
    public Optional<Match> lookup(ForgeRepository repository) {
        for (RepositorySettings r : repositories) {
            for (String url : repository.urls()) {
                if (RepoIdentity.same(r.url(), url)) {
                    String key = REPOSITORIES + "." + r.id();
                    return Optional.of(new Match(r.secret(), r.branch().orElse(defaultBranch), key + ".secret",
                            r.branch().isPresent() ? key + ".branch" : DEFAULT_BRANCH));
                }
            }
        }
        return fallback();
    }

    /** The repository configured as {@code verity.receiver.repositories.<id>}, if any. */
    public Optional<RepositorySettings> byId(String id) {
        return repositories.stream().filter(r -> r.id().equals(id)).findFirst();
    }

    /** The branch Verity renders for {@code repository}: its own, else {@code default-branch}. */
    public String branchOf(RepositorySettings repository) {
        return repository.branch().orElse(defaultBranch);
    }

    /** The key that set {@link #branchOf}, for messages. */
    public String branchKeyOf(RepositorySettings repository) {
        return repository.branch().isPresent() ? REPOSITORIES + "." + repository.id() + ".branch" : DEFAULT_BRANCH;
    }

    public List<RepositorySettings> repositories() {
        return repositories;
    }

    /** The default secret, for deliveries that name no repository (an organisation hook's ping) or an unlisted one. */
    public Optional<Match> fallback() {
        return defaultSecret.map(s -> new Match(s, defaultBranch, DEFAULT_SECRET, DEFAULT_BRANCH));
    }

    /** Whether any webhook can be accepted at all. */
    public boolean acceptsAnything() {
        return !repositories.isEmpty() || defaultSecret.isPresent();
    }

    /** For the start-up log: ids and URLs, never secrets. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        for (RepositorySettings r : repositories) {
            if (!sb.isEmpty()) sb.append(", ");
            sb.append(r.id()).append('=').append(r.url()).append(" (branch ").append(r.branch().orElse(defaultBranch))
                    .append(", endpoint /hooks/").append(r.forge().orElse("<forge>")).append('/').append(r.id())
                    .append(r.signingKeys().isEmpty() ? "" : ", " + r.signingKeys().size() + " signing key(s)").append(')');
        }
        if (sb.isEmpty()) sb.append("no repositories listed");
        sb.append("; default secret ").append(defaultSecret.isPresent() ? "set (any other repository, branch "
                + defaultBranch + ")" : "not set");
        return sb.toString();
    }
}
