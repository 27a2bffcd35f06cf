package dev.verity.notifier.alert;

/** How urgent an alert is. */
public enum Severity {
    /** something went back to normal; nothing to do */
    RESOLVED("white_check_mark", "RESOLVED"),
    /** the cluster differs from Git; someone should decide which one is right */
    WARNING("warning", "WARNING"),
    /** a change from Git did not reach the cluster */
    ERROR("rotating_light", "ERROR");

    private final String emoji;
    private final String label;

    Severity(String emoji, String label) {
        this.emoji = emoji;
        this.label = label;
    }

    /** The Slack emoji code without colons. */
    public String emoji() {
        return emoji;
    }

    public String label() {
        return label;
    }
}
