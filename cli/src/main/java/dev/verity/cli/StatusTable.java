package dev.verity.cli;

import dev.verity.events.TargetKey;
import dev.verity.fleet.TargetStatus;

import java.io.PrintStream;
import java.util.List;

/** {@code ./verity status} as a table, with a line of detail under each target that needs attention. */
final class StatusTable {

    private StatusTable() {
    }

    static void print(List<TargetStatus> targets, int unreadable, PrintStream out) {
        if (targets.isEmpty()) {
            out.println("No targets: nothing has been rendered yet (is the renderer running, and does it know a repository?)");
        } else {
            int width = Math.max("TARGET".length(), targets.stream().mapToInt(t -> t.target().length()).max().orElse(0));
            out.println(VerityOps.pad("TARGET", width) + "  " + VerityOps.pad("SYNC", 12) + "  " + VerityOps.pad("HEALTH", 11)
                    + "  " + VerityOps.pad("COMMIT", 12) + "  DRIFT  INCIDENTS");
            for (TargetStatus t : targets) {
                out.println(VerityOps.pad(t.target(), width) + "  " + VerityOps.pad(t.sync(), 12) + "  "
                        + VerityOps.pad(t.health(), 11) + "  " + VerityOps.pad(TargetKey.shortSha(t.commit()), 12) + "  "
                        + VerityOps.pad(String.valueOf(t.drift().size()), 5) + "  " + t.incidents().size());
                if (t.syncDetail() != null && !t.sync().equals("Synced")) out.println("    " + t.sync() + ": " + t.syncDetail());
                if (t.healthDetail() != null) out.println("    " + t.health() + ": " + t.healthDetail());
                for (String d : t.drift()) out.println("    drift: " + d);
                for (String i : t.incidents()) out.println("    incident: " + i);
            }
        }
        if (unreadable > 0) {
            out.println("(" + unreadable + " records could not be read: events of a newer Verity, or poison records in the topics)");
        }
    }
}
