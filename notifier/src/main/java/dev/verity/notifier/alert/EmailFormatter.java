package dev.verity.notifier.alert;

import dev.verity.events.TargetKey;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.LinkedHashMap;

/**
 * Renders an alert as an e-mail: subject {@code [verity] WARNING Drift: … (cluster/app/env@commit)}, a plain-text
 * body a person can read in any client, and the same content as simple HTML.
 */
public final class EmailFormatter {

    static final int MAX_SUBJECT_CHARS = 200;

    private final String subjectPrefix;

    /** @param subjectPrefix put in front of every subject, e.g. {@code [verity]}; may be empty */
    public EmailFormatter(String subjectPrefix) {
        this.subjectPrefix = subjectPrefix == null ? "" : subjectPrefix.strip();
    }

    public Email format(Alert alert) {
        return new Email(subject(alert), text(alert), html(alert));
    }

    String subject(Alert alert) {
        String subject = (subjectPrefix.isEmpty() ? "" : subjectPrefix + " ") + alert.severity().label() + " "
                + alert.title() + " (" + alert.where() + ")";
        subject = subject.replaceAll("[\\r\\n\\t]+", " ");
        return subject.length() <= MAX_SUBJECT_CHARS ? subject : subject.substring(0, MAX_SUBJECT_CHARS - 1) + "…";
    }

    private static Map<String, String> facts(Alert alert) {
        Map<String, String> facts = new LinkedHashMap<>();
        facts.put("Severity", alert.severity().label());
        facts.put("Target", alert.target() != null ? alert.target().toString() : "(whole repository)");
        alert.objectRef().ifPresent(o -> facts.put("Object", o.toString()));
        if (!alert.fields().isEmpty()) facts.put("Fields", String.join(", ", alert.fields()));
        if (alert.path() != null) facts.put("Path", alert.path());
        facts.put("Repository", Secrets.mask(alert.repo()));
        if (alert.commit() != null) facts.put("Commit", alert.commit());
        CommitLinks.of(alert.repo(), alert.commit()).ifPresent(url -> facts.put("Change", url));
        return facts;
    }

    String text(Alert alert) {
        List<String> lines = new ArrayList<>();
        lines.add(alert.title());
        lines.add("");
        lines.addAll(alert.summary());
        lines.add("");
        facts(alert).forEach((name, value) -> lines.add(String.format("%-11s %s", name + ":", value)));
        if (!alert.details().isEmpty()) {
            lines.add("");
            lines.add("Error:");
            alert.details().forEach(d -> lines.add("    " + d));
        }
        lines.add("");
        lines.add("What to do: " + alert.nextStep());
        lines.add("");
        lines.add("-- ");
        lines.add("Verity · event " + alert.eventId() + alert.traceId().map(t -> " · trace " + t).orElse(""));
        return String.join("\n", lines) + "\n";
    }

    String html(Alert alert) {
        StringBuilder b = new StringBuilder("<!DOCTYPE html><html><body style=\"font-family:sans-serif\">");
        b.append("<h2>").append(escape(alert.title())).append("</h2>");
        for (String s : alert.summary()) b.append("<p>").append(escape(s)).append("</p>");
        b.append("<table cellpadding=\"3\">");
        facts(alert).forEach((name, value) -> b.append("<tr><th align=\"left\">").append(escape(name))
                .append("</th><td><code>").append(escape(value)).append("</code></td></tr>"));
        b.append("</table>");
        if (!alert.details().isEmpty()) {
            b.append("<p><b>Error:</b></p><pre>").append(escape(String.join("\n", alert.details()))).append("</pre>");
        }
        b.append("<p><b>What to do:</b> ").append(escape(alert.nextStep())).append("</p>");
        b.append("<p style=\"color:#666;font-size:small\">Verity · event ").append(alert.eventId());
        alert.traceId().ifPresent(t -> b.append(" · trace ").append(t));
        b.append(" · commit ").append(escape(TargetKey.shortSha(alert.commit()))).append("</p>");
        return b.append("</body></html>").toString();
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
