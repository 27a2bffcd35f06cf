package dev.verity.notifier.alert;

/**
 * An e-mail ready to send: a one-line subject, a plain-text body and the same content as HTML.
 */
public record Email(String subject, String text, String html) {
}
