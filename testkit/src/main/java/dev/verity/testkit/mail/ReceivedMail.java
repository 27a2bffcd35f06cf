package dev.verity.testkit.mail;

import java.time.Instant;
import java.util.List;

/**
 * One e-mail the {@link SmtpServer} received, as its reader sees it.
 *
 * @param from       the {@code From} address(es), as written in the header
 * @param to         the recipients in {@code To}
 * @param cc         the recipients in {@code Cc}
 * @param subject    the decoded subject
 * @param text       the plain-text body (the {@code text/plain} part), or null when there is none
 * @param html       the HTML body (the {@code text/html} part), or null when there is none
 * @param receivedAt when the server received it
 */
public record ReceivedMail(String from, List<String> to, List<String> cc, String subject, String text, String html,
        Instant receivedAt) {

    public ReceivedMail {
        to = List.copyOf(to);
        cc = List.copyOf(cc);
    }

    /** The plain-text body, or the HTML body when the message has no plain-text part. */
    public String body() {
        return text != null ? text : html;
    }
}
