package dev.verity.receiver;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The repository a webhook is about, as the forge names it.
 *
 * @param cloneUrl  the URL the renderer fetches from (GitHub: {@code repository.clone_url}); published as the
 *                  {@code repo} of a {@code CommitPushed}
 * @param otherUrls further URLs of the same repository (web page, SSH, git://), used only to match configuration
 * @param fullName  {@code owner/name}, for messages
 */
public record ForgeRepository(String cloneUrl, List<String> otherUrls, String fullName) {

    public ForgeRepository {
        Objects.requireNonNull(cloneUrl, "cloneUrl");
        otherUrls = otherUrls == null ? List.of() : otherUrls.stream().filter(Objects::nonNull).toList();
    }

    /** Every URL the payload gives for the repository, clone URL first. */
    public List<String> urls() {
        List<String> all = new ArrayList<>();
        all.add(cloneUrl);
        all.addAll(otherUrls);
        return all;
    }
}
