package dev.verity.notifier.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verity.events.TargetKey;

/**
 * Renders an alert as a Slack message: Block Kit blocks (a header, the summary, fields naming target, object,
 * field paths and commit, the error verbatim, what to do, and a context line with repository, commit and trace)
 * plus a plain {@code text} that notifications and screen readers show.
 */
public final class SlackMessageFormatter {

    static final int MAX_HEADER_CHARS = 150;
    static final int MAX_SECTION_CHARS = 3000;
    static final int MAX_FIELD_CHARS = 2000;

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The JSON body to POST to an incoming webhook (or, with a {@code channel}, to {@code chat.postMessage}). */
    public String format(Alert alert) {
        ObjectNode message = JSON.createObjectNode();
        message.put("text", fallbackText(alert));
        ArrayNode blocks = message.putArray("blocks");

        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("emoji", true)
                .put("text", cut(alert.title(), MAX_HEADER_CHARS));

        if (!alert.summary().isEmpty()) {
            section(blocks, String.join("\n", alert.summary().stream().map(SlackMessageFormatter::escape).toList()));
        }

        ObjectNode fields = blocks.addObject().put("type", "section");
        ArrayNode fieldList = fields.putArray("fields");
        field(fieldList, "Severity", ":" + alert.severity().emoji() + ": " + alert.severity().label());
        field(fieldList, "Target", alert.target() != null ? "`" + alert.target() + "`" : "`" + escape(alert.repo()) + "`");
        alert.objectRef().ifPresent(o -> field(fieldList, "Object", "`" + escape(o.toString()) + "`"));
        if (!alert.fields().isEmpty()) {
            field(fieldList, "Fields", String.join(", ", alert.fields().stream().map(f -> "`" + escape(f) + "`").toList()));
        }
        if (alert.path() != null) field(fieldList, "Path", "`" + escape(alert.path()) + "`");
        if (alert.commit() != null) field(fieldList, "Commit", "`" + TargetKey.shortSha(alert.commit()) + "`");

        if (!alert.details().isEmpty()) {
            section(blocks, "```" + cut(escape(String.join("\n", alert.details())), MAX_SECTION_CHARS - 6) + "```");
        }

        section(blocks, "*What to do:* " + escape(alert.nextStep()));

        ArrayNode context = blocks.addObject().put("type", "context").putArray("elements");
        StringBuilder line = new StringBuilder("Verity · ").append(escape(alert.repo()));
        if (alert.commit() != null) line.append(" · commit `").append(alert.commit()).append('`');
        alert.traceId().ifPresent(t -> line.append(" · trace `").append(t).append('`'));
        line.append(" · event `").append(alert.eventId()).append('`');
        context.addObject().put("type", "mrkdwn").put("text", cut(line.toString(), MAX_SECTION_CHARS));

        try {
            return JSON.writeValueAsString(message);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the Slack message for " + alert.where(), e);
        }
    }

    /** The notification text: emoji, title and {@code cluster/app/env@commit}. */
    static String fallbackText(Alert alert) {
        return ":" + alert.severity().emoji() + ": " + escape(alert.title()) + " (" + escape(alert.where()) + ")";
    }

    private static void section(ArrayNode blocks, String mrkdwn) {
        blocks.addObject().put("type", "section").putObject("text").put("type", "mrkdwn")
                .put("text", cut(mrkdwn, MAX_SECTION_CHARS));
    }

    private static void field(ArrayNode fields, String name, String mrkdwn) {
        fields.addObject().put("type", "mrkdwn").put("text", cut("*" + name + "*\n" + mrkdwn, MAX_FIELD_CHARS));
    }

    /** Slack mrkdwn treats {@code & < >} as control characters; everything else is shown as written. */
    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
