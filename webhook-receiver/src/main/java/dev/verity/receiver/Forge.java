package dev.verity.receiver;

/**
 * One kind of Git forge (GitHub, later GitLab, Gitea/Forgejo, Bitbucket): how its deliveries are read and
 * authenticated. Implementations are stateless and know nothing of Verity's configuration or Kafka.
 */
public interface Forge {

    /** The name published as {@code CommitPushed.forge}, e.g. {@code github}. */
    String name();

    /** The header that authenticates a delivery, for messages (e.g. {@code X-Hub-Signature-256}). */
    String authenticationHeader();

    /** Whether the delivery carries authentication at all (a forge with no secret configured sends none). */
    boolean isSigned(HookRequest request);

    /** Checks the delivery's authentication against {@code secret}, in constant time. */
    boolean verify(HookRequest request, String secret);

    /** Reads the payload. Does not check authenticity: {@link WebhookIntake} does that with the repository's secret. */
    ParsedHook parse(HookRequest request);
}
