package dev.verity.receiver;

import dev.verity.events.VerityEvent;
import dev.verity.receiver.HookOutcome.Ignored;
import dev.verity.receiver.HookOutcome.Publish;
import dev.verity.receiver.HookOutcome.Reason;
import dev.verity.receiver.HookOutcome.Rejected;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Decides what a delivery to a per-repository endpoint {@code /hooks/<forge>/<repo-id>} means:
 * {@code known endpoint? → authentic (with that repository's secret, before the body is parsed)? → readable? →
 * for each ref it moved: a push or deletion of the repository's branch?}. The events name the repository by its
 * configured URL, never by a URL from the payload. Nothing here publishes.
 */
public final class RepositoryHooks {

    /** A refusal with no reason, so the endpoint does not say which repository ids exist. */
    public static final Rejected NO_SUCH_ENDPOINT = new Rejected(Reason.NO_SUCH_ENDPOINT, "");

    private final RepositoryRegistry registry;
    private final Map<String, Forge> forges;
    private final Duration replayWindow;
    private final Clock clock;

    /**
     * @throws IllegalArgumentException when a repository names a forge that does not exist (naming the key)
     */
    public RepositoryHooks(RepositoryRegistry registry, List<Forge> forges, Duration replayWindow, Clock clock) {
        this.registry = registry;
        Map<String, Forge> byName = new TreeMap<>();
        forges.forEach(f -> byName.put(f.name(), f));
        this.forges = Map.copyOf(byName);
        this.replayWindow = replayWindow;
        this.clock = clock;
        List<String> errors = new ArrayList<>();
        for (RepositorySettings r : registry.repositories()) {
            r.forge().filter(f -> !byName.containsKey(f)).ifPresent(f -> errors.add(RepositoryRegistry.REPOSITORIES
                    + "." + r.id() + ".forge is " + f + ", which is not one of " + String.join(", ", byName.keySet())));
        }
        if (!errors.isEmpty()) {
            throw new IllegalArgumentException("webhook-receiver configuration is invalid:\n  " + String.join("\n  ", errors));
        }
    }

    /** The forge of an endpoint, if {@code name} is one. */
    public Optional<Forge> forge(String name) {
        return Optional.ofNullable(forges.get(name));
    }

    /**
     * The refusal a delivery gets from its endpoint and headers alone — unknown endpoint, no authentication, a wrong
     * GitLab token — so that its body need not be read; empty when only the body can tell, and {@link #receive}
     * decides. Gives the same refusal {@link #receive} would.
     *
     * @param headers the delivery with its headers only
     */
    public Optional<Rejected> refuseBeforeBody(String forgeName, String repositoryId, HookRequest headers) {
        Forge forge = forges.get(forgeName);
        Optional<RepositorySettings> repository = endpoint(forge, forgeName, repositoryId);
        if (repository.isEmpty()) return Optional.of(NO_SUCH_ENDPOINT);
        return forge.refuseOnHeaders(headers, credentials(repository.get()))
                .map(refusal -> rejected(refusal, forge, forgeName, repository.get()));
    }

    private Optional<RepositorySettings> endpoint(Forge forge, String forgeName, String repositoryId) {
        Optional<RepositorySettings> found = registry.byId(repositoryId);
        if (forge == null || found.isEmpty()) return Optional.empty();
        if (found.get().forge().isPresent() && !found.get().forge().get().equals(forgeName)) return Optional.empty();
        return found;
    }

    private Credentials credentials(RepositorySettings repository) {
        return new Credentials(repository.secret(), repository.signingKeys(), replayWindow);
    }

    public HookOutcome receive(String forgeName, String repositoryId, HookRequest request) {
        Forge forge = forges.get(forgeName);
        Optional<RepositorySettings> found = endpoint(forge, forgeName, repositoryId);
        if (found.isEmpty()) return NO_SUCH_ENDPOINT;
        RepositorySettings repository = found.get();

        Optional<Forge.Refusal> refusal = forge.authenticate(request, credentials(repository), clock.instant());
        if (refusal.isPresent()) return rejected(refusal.get(), forge, forgeName, repository);

        List<ParsedHook> changes = forge.parseAll(request);
        List<VerityEvent> events = new ArrayList<>();
        List<String> ignored = new ArrayList<>();
        String branch = registry.branchOf(repository);
        for (ParsedHook change : changes) {
            if (change instanceof ParsedHook.Invalid invalid) return new Rejected(Reason.INVALID, invalid.reason());
            if (change instanceof ParsedHook.Unsupported unsupported) {
                return new Rejected(Reason.UNSUPPORTED_MEDIA_TYPE, unsupported.reason());
            }
            if (change instanceof ParsedHook.Ignored skip) {
                ignored.add(skip.reason());
            } else if (change instanceof ParsedHook.Push push) {
                if (renders(branch, push.branch())) events.add(push.toEvent(forgeName, repository.url()));
                else ignored.add(otherBranch("push to", push.branch(), repository, branch));
            } else if (change instanceof ParsedHook.Deletion deletion) {
                if (renders(branch, deletion.branch())) events.add(deletion.toEvent(forgeName, repository.url()));
                else ignored.add(otherBranch("deletion of", deletion.branch(), repository, branch));
            }
        }
        if (!events.isEmpty()) return new Publish(events);
        return new Ignored(ignored.isEmpty() ? "the delivery moved no ref" : String.join("; ", ignored));
    }

    private Rejected rejected(Forge.Refusal refusal, Forge forge, String forgeName, RepositorySettings repository) {
        String secretKey = RepositoryRegistry.REPOSITORIES + "." + repository.id();
        return switch (refusal) {
            case MISSING -> new Rejected(Reason.UNSIGNED, "the delivery has no " + forge.authenticationHeader()
                    + " header: give the " + forgeName + " webhook the secret set as " + secretKey + ".secret");
            case MISMATCH -> new Rejected(Reason.BAD_SIGNATURE, "the " + forge.authenticationHeader()
                    + " does not match: the " + forgeName + " webhook's secret must equal " + secretKey + ".secret"
                    + (repository.signingKeys().isEmpty() ? "" : " and its signing token one of " + secretKey
                    + ".signing-key"));
            case EXPIRED -> new Rejected(Reason.EXPIRED, "the delivery was signed more than " + replayWindow.toSeconds()
                    + " s from now (" + StandardWebhookSignature.TIMESTAMP_HEADER + "): a replayed delivery is refused;"
                    + " check the forge's and this host's clocks (verity.receiver.replay-window)");
        };
    }

    private static boolean renders(String configured, String branch) {
        return RepositorySettings.ANY_BRANCH.equals(configured) || configured.equals(branch);
    }

    private String otherBranch(String what, String branch, RepositorySettings repository, String rendered) {
        return what + " branch " + branch + " of " + repository.id() + ": Verity renders branch " + rendered + " ("
                + registry.branchKeyOf(repository) + ")";
    }
}
