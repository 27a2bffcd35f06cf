package dev.verity.notifier.alert;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks what looks like a secret in text an alert quotes (an error from the cluster, a renderer or Git), since such
 * text may carry one: {@code password=…}, {@code token: …}, {@code Authorization: Bearer …}, credentials in a URL
 * ({@code https://user:token@host}), a Slack token ({@code xoxb-…}), a private key block. What is masked becomes
 * {@value #MASK}; the rest of the text is kept so that it still says what failed.
 */
public final class Secrets {

    static final String MASK = "(masked)";

    private static final Pattern KEY_VALUE = Pattern.compile(
            "(?i)\\b([\\w.-]*(?:password|passwd|pwd|secret|token|api[_-]?key|apikey|credentials?|private[_-]?key)"
                    + "[\\w.-]*)(\"?\\s*[:=]\\s*\"?)([^\\s\",;}&]+)");
    private static final Pattern BEARER = Pattern.compile("(?i)\\b(bearer|basic)\\s+[A-Za-z0-9._~+/=-]{8,}");
    private static final Pattern URL_CREDENTIALS = Pattern.compile("(?i)\\b([a-z][a-z0-9+.-]*://)[^/@\\s:]+(:[^/@\\s]*)?@");
    private static final Pattern SLACK_TOKEN = Pattern.compile("\\bxox[abposr]-[A-Za-z0-9-]{6,}");
    private static final Pattern PRIVATE_KEY = Pattern.compile(
            "-----BEGIN ([A-Z ]*)PRIVATE KEY-----.*?(-----END \\1PRIVATE KEY-----|$)", Pattern.DOTALL);

    private Secrets() {
    }

    /** The text with what looks like a secret replaced by {@value #MASK}; null stays null. */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) return text;
        String out = PRIVATE_KEY.matcher(text).replaceAll(Matcher.quoteReplacement("-----" + MASK + " PRIVATE KEY-----"));
        out = URL_CREDENTIALS.matcher(out).replaceAll("$1" + Matcher.quoteReplacement(MASK) + "@");
        out = BEARER.matcher(out).replaceAll("$1 " + Matcher.quoteReplacement(MASK));
        out = SLACK_TOKEN.matcher(out).replaceAll(Matcher.quoteReplacement(MASK));
        Matcher m = KEY_VALUE.matcher(out);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String value = m.group(3);
            // already masked, or a reference rather than a value (secretKeyRef: name): keep
            String replacement = value.equals(MASK) || value.startsWith("(") ? m.group()
                    : m.group(1) + m.group(2) + MASK;
            m.appendReplacement(b, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(b);
        return b.toString();
    }
}
