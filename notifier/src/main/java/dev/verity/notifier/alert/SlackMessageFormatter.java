package dev.verity.notifier.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import dev.verity.events.TargetKey;

/**
 * Renders an alert as a Slack message: Block Kit blocks (a header, the summary, fields naming target, object,
 * field paths and commit, the error verbatim, what to do, and a context line with repository, commit and trace)
 * plus a plain {@code text} that notifications and screen readers show. Within Slack's limits: at most
 * {@value #MAX_BLOCKS} blocks and {@value #MAX_SECTION_CHARS} characters per section text; a long summary (a grouped
 * announcement of many targets) is spread over several sections, and what still does not fit is cut with a note.
 */
public final class SlackMessageFormatter {

    static final int MAX_HEADER_CHARS = 150;
    static final int MAX_SECTION_CHARS = 3000;
    static final int MAX_FIELD_CHARS = 2000;
    /** Slack refuses a message with more blocks. */
    static final int MAX_BLOCKS = 50;
    static final String CUT_NOTE = " _(cut to Slack's limits; the e-mail and the event have it all)_";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The JSON body to POST to an incoming webhook (or, with a {@code channel}, to {@code chat.postMessage}). */
    public String format(Alert alert) {
        ObjectNode message = JSON.createObjectNode();
        message.put("text", fallbackText(alert));
        ArrayNode blocks = message.putArray("blocks");

        ObjectNode header = blocks.addObject().put("type", "header");
        header.putObject("text").put("type", "plain_text").put("emoji", true)
                .put("text", cut(alert.title(), MAX_HEADER_CHARS));

        // header, fields, what to do, context, and the details when there are some
        int fixed = 4 + (alert.details().isEmpty() ? 0 : 1);
        for (String text : summarySections(alert.summary().stream().map(SlackMessageFormatter::escape).toList(),
                MAX_BLOCKS - fixed)) {
            section(blocks, text);
        }

        ObjectNode fields = blocks.addObject().put("type", "section");
        ArrayNode fieldList = fields.putArray("fields");
        field(fieldList, "Severity", ":" + alert.severity().emoji() + ": " + alert.severity().label());
        field(fieldList, "Target", alert.target() != null ? "`" + alert.target() + "`"
                : "`" + escape(Secrets.mask(alert.repo())) + "`");
        alert.objectRef().ifPresent(o -> field(fieldList, "Object", "`" + escape(o.toString()) + "`"));
        if (!alert.fields().isEmpty()) {
            field(fieldList, "Fields", String.join(", ", alert.fields().stream().map(f -> "`" + escape(f) + "`").toList()));
        }
        if (alert.path() != null) field(fieldList, "Path", "`" + escape(alert.path()) + "`");
        if (alert.commit() != null) {
            String sha = TargetKey.shortSha(alert.commit());
            field(fieldList, "Commit", CommitLinks.of(alert.repo(), alert.commit()).map(url -> "<" + url + "|" + sha + ">")
                    .orElse("`" + sha + "`"));
        }

        if (!alert.details().isEmpty()) {
            String details = escape(String.join("\n", alert.details()));
            section(blocks, details.length() <= MAX_SECTION_CHARS - 6 ? "```" + details + "```"
                    : "```" + details.substring(0, MAX_SECTION_CHARS - 6 - CUT_NOTE.length() - 1) + "…```" + CUT_NOTE);
        }

        section(blocks, "*What to do:* " + escape(alert.nextStep()));

        ArrayNode context = blocks.addObject().put("type", "context").putArray("elements");
        StringBuilder line = new StringBuilder("Verity · ").append(escape(Secrets.mask(alert.repo())));
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

    /**
     * The summary's lines packed into at most {@code room} sections of at most {@value #MAX_SECTION_CHARS}
     * characters each; what does not fit is left out with a note saying how much (a grouped announcement of many
     * targets may be that long).
     */
    static List<String> summarySections(List<String> lines, int room) {
        int max = MAX_SECTION_CHARS - CUT_NOTE.length() - 40;
        List<String> sections = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        int shown = 0;
        for (String line : lines) {
            String l = line.length() <= max ? line : line.substring(0, max - 1) + "…" + CUT_NOTE;
            if (!current.isEmpty() && current.length() + 1 + l.length() > max) {
                if (sections.size() + 1 >= room) break;
                sections.add(current.toString());
                current.setLength(0);
            }
            if (!current.isEmpty()) current.append('\n');
            current.append(l);
            shown++;
        }
        if (shown < lines.size()) {
            current.append("\n… and ").append(lines.size() - shown).append(" more line(s)").append(CUT_NOTE);
        }
        if (!current.isEmpty()) sections.add(current.toString());
        return sections;
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
