package dev.verity.receiver;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * Form-encoded webhook deliveries ({@code application/x-www-form-urlencoded}): GitHub, Gitea and Forgejo can send
 * the JSON as the form field {@code payload}. No JSON body starts with {@code payload=}, so a body that does is read
 * as a form whatever {@code Content-Type} says (curl sends form type for JSON by default).
 */
public final class FormBody {

    private static final byte[] PAYLOAD = "payload=".getBytes(StandardCharsets.US_ASCII);

    private FormBody() {
    }

    public static boolean isForm(HookRequest request) {
        return request.bodyStartsWith(PAYLOAD);
    }

    public static boolean isForm(byte[] body) {
        return body.length >= PAYLOAD.length && Arrays.equals(body, 0, PAYLOAD.length, PAYLOAD, 0, PAYLOAD.length);
    }

    /** The decoded {@code payload} field of a form body (UTF-8 bytes), or empty when the body is not a form. */
    public static Optional<byte[]> payload(byte[] body) throws Payloads.Unreadable {
        if (!isForm(body)) return Optional.empty();
        String form = new String(body, StandardCharsets.US_ASCII);
        String found = null;
        for (String field : form.split("&")) {
            if (field.startsWith("payload=")) {
                if (found != null) throw new Payloads.Unreadable("the form-encoded delivery has the field payload twice");
                found = field.substring("payload=".length());
            }
        }
        try {
            return Optional.of(URLDecoder.decode(found, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw new Payloads.Unreadable("the form-encoded delivery's payload field is not URL-encoded: " + e.getMessage());
        }
    }
}
