package dev.verity.receiver;

import dev.verity.events.CommitPushed;
import dev.verity.events.RefDeleted;
import dev.verity.events.VerityEvent;

import java.util.List;
import java.util.Optional;

/**
 * What each stored fixture of every forge must become, read from the fixture files by hand (see PROVENANCE.md for
 * what each one is): the event for repository {@code repo} delivered as {@code delivery}, or empty when the
 * delivery is ignored (204).
 */
public final class FixtureEvents {

    private static final String ZEROS = "0".repeat(40);

    private FixtureEvents() {
    }

    public static Optional<VerityEvent> expected(String directory, String fixture, String repo, String delivery) {
        String forge = ForgeDeliveries.forgeOf(directory, fixture);
        VerityEvent event = switch (directory + "/" + fixture) {
            case "github/push.json" -> new CommitPushed(repo, "master", "737d38c599c1b2991664dfc6155d6bf516fcce36",
                    "fd489864e7642b48eaad6e3f155c10e46810ec72",
                    List.of(".razorops.yaml", "app/controllers/application_controller.rb"), delivery, forge, true, "binkkatal");
            case "github/push-new-branch.json" -> new CommitPushed(repo, "master", ZEROS,
                    "6113728f27ae82c7b1a177c8d03f9e96e0adf246", List.of("README.md"), delivery, forge, false, "Codertocat");
            case "github/push-branch-delete.json" -> new RefDeleted(repo, "feature-branch",
                    "d2b75aa7797ec26b088fa2dd527e9d2c052fcedd", delivery, forge, "bradrydzewski");
            // GitLab lists 2 of total_commits_count 4: the paths may be incomplete
            case "gitlab/push.json" -> new CommitPushed(repo, "master", "95790bf891e76fee5e1747ab589903a6a1f80f22",
                    "da1560886d4f094c3e6c9ef40349f7d38b5d27d7", List.of("CHANGELOG", "app/controller/application.rb"),
                    delivery, forge, false, "jsmith");
            case "gitlab/push-branch-delete.json" -> new RefDeleted(repo, "feature",
                    "c4c79227ed610f1151f05bbc5be33b4f340d39c8", delivery, forge, "sytses");
            // the docs example's commit lists no added/modified/removed: paths not known
            case "gitea/push.json" -> new CommitPushed(repo, "develop", "28e1879d029cb852e4844d9c718537df08844e03",
                    "bffeb74224043ba2feb48d137756c8a9331c449a", List.of(), delivery, forge, false, "gitea");
            case "gitea/push-new-branch.json" -> new CommitPushed(repo, "master", ZEROS,
                    "67b56589a45103f891bdee7c0546e5d40bc02001", List.of("example"), delivery, forge, false, "example");
            case "forgejo/push-docs-example.json" -> new CommitPushed(repo, "develop",
                    "28e1879d029cb852e4844d9c718537df08844e03", "bffeb74224043ba2feb48d137756c8a9331c449a", List.of(),
                    delivery, forge, false, "forgejo");
            // Bitbucket lists no paths at all
            case "bitbucket/cloud-repo-push.json" -> new CommitPushed(repo, "master",
                    "40e7580cf11311d84a6e5e97e2cbba6df1675750", "141977fedf5cf35aa290ac87d4b5177ac4cd9de1", List.of(),
                    delivery, forge, false, "brydzewski");
            case "bitbucket/cloud-repo-push-branch-delete.json" -> new RefDeleted(repo, "develop",
                    "141977fedf5cf35aa290ac87d4b5177ac4cd9de1", delivery, forge, "brydzewski");
            case "bitbucket/datacenter-repo-refs_changed.json" -> new CommitPushed(repo, "master",
                    "5c64a07cd6c0f21b753bf261ef059c7e7633c50a", "823b2230a56056231c9425d63758fa87078a66b4", List.of(),
                    delivery, forge, false, "jcitizen");
            case "bitbucket/datacenter-repo-refs_changed-branch-delete.json" -> new RefDeleted(repo, "develop",
                    "208b0a5c05eddadad01f2aed8802fe0c3b3eaf5e", delivery, forge, "jcitizen");
            case "github/ping.json", "github/pull_request.json", "github/push-tag.json", "github/push-tag-delete.json",
                    "gitlab/tag_push.json", "bitbucket/cloud-repo-push-tag-create.json",
                    "bitbucket/datacenter-repo-refs_changed-tag-create.json" -> null;
            default -> throw new IllegalArgumentException("no expectation for fixture " + directory + "/" + fixture
                    + ": add one here");
        };
        return Optional.ofNullable(event);
    }
}
