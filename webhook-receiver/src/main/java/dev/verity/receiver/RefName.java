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
        String reason = reason(ref);
        return reason == null ? Optional.empty() : Optional.of("ref " + printable(ref) + " " + reason);
    }

    /** What is wrong with a non-empty ref, or null; the ref is shown only when something is (valid ones are many). */
    private static String reason(String ref) {
        if (!ref.startsWith(BRANCH_PREFIX) && !ref.startsWith(TAG_PREFIX)) {
            return "is neither a branch (refs/heads/…) nor a tag (refs/tags/…)";
        }
        int nameStart = ref.startsWith(BRANCH_PREFIX) ? BRANCH_PREFIX.length() : TAG_PREFIX.length();
        if (ref.length() == nameStart) return "names no branch or tag";
        for (int i = 0; i < ref.length(); i++) {
            char c = ref.charAt(i);
            if (c < 0x20 || c == 0x7f) return "contains a control character";
            if (c == ' ' || c == '~' || c == '^' || c == ':' || c == '?' || c == '*' || c == '[' || c == '\\') {
                return "contains '" + c + "', which git does not allow in a ref name";
            }
        }
        if (ref.contains("..")) return "contains '..'";
        if (ref.contains("@{")) return "contains '@{'";
        if (ref.contains("//")) return "contains an empty component ('//')";
        if (ref.endsWith("/")) return "ends with '/'";
        if (ref.endsWith(".")) return "ends with '.'";
        if (ref.length() == nameStart + 1 && ref.charAt(nameStart) == '@') return "is '@'";
        // components of the name, between slashes (none is empty: '//' and a trailing '/' were refused above)
        for (int start = nameStart; start < ref.length(); ) {
            int end = ref.indexOf('/', start);
            if (end < 0) end = ref.length();
            if (ref.charAt(start) == '.') return "has a component starting with '.'";
            if (ref.startsWith(".lock", end - 5) && end - 5 >= start) return "has a component ending with '.lock'";
            start = end + 1;
        }
        return null;
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
