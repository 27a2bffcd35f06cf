package dev.verity.receiver;

import java.util.Optional;

/**
 * Checks a ref name from a payload as {@code git check-ref-format} does, and that it names a branch or a tag
 * ({@code refs/heads/…}, {@code refs/tags/…}): a payload is data from the network, and a ref becomes a branch
 * that the renderer checks out and names in paths, logs and events.
 */
public final class RefName {

    public static final String BRANCH_PREFIX = "refs/heads/";
    public static final String TAG_PREFIX = "refs/tags/";

    private RefName() {
    }

    /** Why {@code ref} is not a valid branch or tag ref, or empty when it is one. */
    public static Optional<String> problem(String ref) {
        if (ref == null || ref.isEmpty()) return Optional.of("the ref is empty");
        String shown = printable(ref);
        if (!ref.startsWith(BRANCH_PREFIX) && !ref.startsWith(TAG_PREFIX)) {
            return Optional.of("ref " + shown + " is neither a branch (refs/heads/…) nor a tag (refs/tags/…)");
        }
        String name = ref.substring(ref.startsWith(BRANCH_PREFIX) ? BRANCH_PREFIX.length() : TAG_PREFIX.length());
        if (name.isEmpty()) return Optional.of("ref " + shown + " names no branch or tag");
        for (int i = 0; i < ref.length(); i++) {
            char c = ref.charAt(i);
            if (c < 0x20 || c == 0x7f) return Optional.of("ref " + shown + " contains a control character");
            if (c == ' ' || c == '~' || c == '^' || c == ':' || c == '?' || c == '*' || c == '[' || c == '\\') {
                return Optional.of("ref " + shown + " contains '" + c + "', which git does not allow in a ref name");
            }
        }
        if (ref.contains("..")) return Optional.of("ref " + shown + " contains '..'");
        if (ref.contains("@{")) return Optional.of("ref " + shown + " contains '@{'");
        if (ref.contains("//")) return Optional.of("ref " + shown + " contains an empty component ('//')");
        if (ref.endsWith("/")) return Optional.of("ref " + shown + " ends with '/'");
        if (ref.endsWith(".")) return Optional.of("ref " + shown + " ends with '.'");
        if (name.equals("@")) return Optional.of("ref " + shown + " is '@'");
        for (String component : name.split("/")) {
            if (component.startsWith(".")) return Optional.of("ref " + shown + " has a component starting with '.'");
            if (component.endsWith(".lock")) return Optional.of("ref " + shown + " has a component ending with '.lock'");
        }
        return Optional.empty();
    }

    /** The ref for messages: non-printable characters as {@code \\uXXXX}, at most 200 characters. */
    private static String printable(String ref) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < ref.length() && sb.length() < 200; i++) {
            char c = ref.charAt(i);
            if (c < 0x20 || c == 0x7f) sb.append(String.format("\\u%04x", (int) c)); else sb.append(c);
        }
        return sb.length() < ref.length() ? sb + "…" : sb.toString();
    }
}
