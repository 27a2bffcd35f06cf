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
 * @param messageId  the {@code Message-ID} header as received, or null
 * @param inReplyTo  the {@code In-Reply-To} header, or null
 * @param references the message ids of the {@code References} header, in order (empty when there is none)
 */
public record ReceivedMail(String from, List<String> to, List<String> cc, String subject, String text, String html,
        Instant receivedAt, String messageId, String inReplyTo, List<String> references) {

    public ReceivedMail {
        to = List.copyOf(to);
        cc = List.copyOf(cc);
        references = references == null ? List.of() : List.copyOf(references);
    }

    /** A mail without threading headers. */
    public ReceivedMail(String from, List<String> to, List<String> cc, String subject, String text, String html,
            Instant receivedAt) {
        this(from, to, cc, subject, text, html, receivedAt, null, null, List.of());
    }

    /** The plain-text body, or the HTML body when the message has no plain-text part. */
    public String body() {
        return text != null ? text : html;
    }
}
