package dev.verity.receiver;

import dev.verity.receiver.HookOutcome.Ignored;
import dev.verity.receiver.HookOutcome.Publish;
import dev.verity.receiver.HookOutcome.Reason;
import dev.verity.receiver.HookOutcome.Rejected;
import dev.verity.receiver.RepositoryRegistry.Match;

import java.util.Optional;

/**
 * Decides what one webhook delivery means, for any {@link Forge}:
 * {@code signed? → readable? → repository configured? → signature matches its secret? → a push or deletion of its
 * branch?}.
 * Nothing here publishes; the caller publishes a {@link Publish} and answers the forge.
 */
public final class WebhookIntake {

    private final RepositoryRegistry registry;

    public WebhookIntake(RepositoryRegistry registry) {
        this.registry = registry;
    }

    public HookOutcome receive(Forge forge, HookRequest request) {
        if (!forge.isSigned(request)) {
            return new Rejected(Reason.UNSIGNED, "the delivery has no " + forge.authenticationHeader()
                    + " header: give the webhook a secret (the value of " + RepositoryRegistry.REPOSITORIES
                    + ".<id>.secret for this repository, or of " + RepositoryRegistry.DEFAULT_SECRET + ")");
        }
        ParsedHook parsed = forge.parse(request);
        if (parsed instanceof ParsedHook.Invalid invalid) {
            return new Rejected(Reason.INVALID, invalid.reason());
        }
        if (parsed instanceof ParsedHook.Unsupported unsupported) {
            return new Rejected(Reason.UNSUPPORTED_MEDIA_TYPE, unsupported.reason());
        }
        Optional<ForgeRepository> repository = parsed.repository();
        Optional<Match> match = repository.map(registry::lookup).orElseGet(registry::fallback);
        if (match.isEmpty()) {
            return new Rejected(Reason.UNKNOWN_REPOSITORY, repository.map(WebhookIntake::unknownRepository)
                    .orElse("the " + forge.name() + " delivery names no repository and " + RepositoryRegistry.DEFAULT_SECRET
                            + " is not set: set it to accept deliveries that name no repository"));
        }
        if (!forge.verify(request, match.get().secret())) {
            return new Rejected(Reason.BAD_SIGNATURE, "the " + forge.authenticationHeader() + " signature does not match"
                    + repository.map(r -> " " + r.cloneUrl()).orElse("") + ": the webhook's secret must equal "
                    + match.get().secretKey());
        }
        if (parsed instanceof ParsedHook.Ignored ignored) {
            return new Ignored(ignored.reason());
        }
        String branch = match.get().branch();
        if (parsed instanceof ParsedHook.Deletion deletion) {
            if (!deletion.branch().equals(branch)) {
                return new Ignored("branch " + deletion.branch() + " of " + deletion.repo().cloneUrl()
                        + " was deleted: Verity renders branch " + branch + " (" + match.get().branchKey() + ")");
            }
            return new Publish(deletion.toEvent(forge.name()));
        }
        ParsedHook.Push push = (ParsedHook.Push) parsed;
        if (!push.branch().equals(branch)) {
            return new Ignored("push to branch " + push.branch() + " of " + push.repo().cloneUrl()
                    + ": Verity renders branch " + branch + " (" + match.get().branchKey() + ")");
        }
        return new Publish(push.toEvent(forge.name()));
    }

    private static String unknownRepository(ForgeRepository repository) {
        return "no webhook secret is configured for repository " + repository.cloneUrl()
                + ": set " + RepositoryRegistry.REPOSITORIES + ".<id>.url=" + repository.cloneUrl()
                + " and " + RepositoryRegistry.REPOSITORIES + ".<id>.secret (for example the environment variables"
                + " VERITY_RECEIVER_REPOSITORIES_<ID>_URL and VERITY_RECEIVER_REPOSITORIES_<ID>_SECRET), or set "
                + RepositoryRegistry.DEFAULT_SECRET + " to accept every repository with one secret";
    }
}
