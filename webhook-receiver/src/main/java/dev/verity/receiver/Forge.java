package dev.verity.receiver;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One kind of Git forge (GitHub, GitLab, Gitea/Forgejo, Bitbucket Cloud and Data Center, a generic sender): how
 * its deliveries are authenticated and read. Implementations are stateless and know nothing of Verity's
 * configuration or Kafka.
 */
public interface Forge {

    /** The name in the endpoint ({@code /hooks/<name>/<repo-id>}) and published as the event's {@code forge}. */
    String name();

    /** The header that authenticates a delivery, for messages (e.g. {@code X-Hub-Signature-256}). */
    String authenticationHeader();

    /** Whether the delivery carries authentication at all (a forge with no secret configured sends none). */
    boolean isSigned(HookRequest request);

    /** Checks the delivery's authentication against {@code secret}, in constant time. */
    boolean verify(HookRequest request, String secret);

    /**
     * Checks a delivery to a per-repository endpoint against that repository's credentials, before the body is
     * parsed: empty when authentic, else why not. By default, {@link #isSigned} and {@link #verify} with the secret.
     */
    default Optional<Refusal> authenticate(HookRequest request, Credentials credentials, Instant now) {
        if (!isSigned(request)) return Optional.of(Refusal.MISSING);
        return verify(request, credentials.secret()) ? Optional.empty() : Optional.of(Refusal.MISMATCH);
    }

    /**
     * What the headers alone say against the delivery, before a byte of its body is read: {@link Refusal#MISSING}
     * when it carries no authentication; a forge whose authentication is not a signature of the body (GitLab's token)
     * also says {@link Refusal#MISMATCH}. Empty when only the body can tell; {@link #authenticate} still runs then.
     *
     * @param headers the delivery with its headers only (its body is not read yet)
     */
    default Optional<Refusal> refuseOnHeaders(HookRequest headers, Credentials credentials) {
        return isSigned(headers) ? Optional.empty() : Optional.of(Refusal.MISSING);
    }

    /** Why {@link #authenticate} refused a delivery. */
    enum Refusal {
        /** No authentication header: the forge's webhook has no secret. */
        MISSING,
        /** Authentication present but made with another secret (or over other bytes). */
        MISMATCH,
        /** Authentic, but signed longer ago than the replay window allows. */
        EXPIRED
    }

    /** Reads the payload. Does not check authenticity: the intake does that first, with the repository's secret. */
    ParsedHook parse(HookRequest request);

    /**
     * Every ref change the delivery reports, in order: one for most forges, one per change for Bitbucket's pushes
     * that move several refs. An unreadable delivery is a single {@link ParsedHook.Invalid}.
     */
    default List<ParsedHook> parseAll(HookRequest request) {
        return List.of(parse(request));
    }
}
