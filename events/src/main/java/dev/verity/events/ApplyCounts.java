package dev.verity.events;

/**
 * How many objects one apply created, configured (changed), found unchanged, pruned (deleted because they left
 * Git) and kept (left Git but stay in the cluster, released from the target).
 */
public record ApplyCounts(int created, int configured, int unchanged, int pruned, int kept) {

    public static final ApplyCounts NONE = new ApplyCounts(0, 0, 0, 0, 0);

    public ApplyCounts {
        if (created < 0 || configured < 0 || unchanged < 0 || pruned < 0 || kept < 0) {
            throw new IllegalArgumentException("counts must not be negative");
        }
    }

    /** {@code 2 created, 1 configured} (only the counts above zero), or {@code nothing} when all are zero. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        append(out, created, "created");
        append(out, configured, "configured");
        append(out, unchanged, "unchanged");
        append(out, pruned, "pruned");
        append(out, kept, "kept");
        return out.length() == 0 ? "nothing" : out.toString();
    }

    private static void append(StringBuilder out, int n, String what) {
        if (n == 0) return;
        if (out.length() > 0) out.append(", ");
        out.append(n).append(' ').append(what);
    }
}
