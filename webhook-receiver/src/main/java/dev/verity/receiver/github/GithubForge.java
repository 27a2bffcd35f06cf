package dev.verity.receiver.github;

import dev.verity.receiver.Forge;
import dev.verity.receiver.FormBody;
import dev.verity.receiver.Payloads;
import dev.verity.receiver.HmacSignature;
import dev.verity.receiver.HookRequest;
import dev.verity.receiver.ParsedHook;

/**
 * GitHub: the event name in {@code X-GitHub-Event}, the delivery id in {@code X-GitHub-Delivery}, and
 * {@code X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the raw body>}. The body is read as JSON whatever the
 * {@code Content-Type} says (curl sends form type by default); a webhook set to
 * {@code application/x-www-form-urlencoded} sends {@code payload=<url-encoded JSON>} and signs that raw form body,
 * so the signature is checked on the bytes received and the JSON read from the {@code payload} field.
 */
public final class GithubForge implements Forge {

    public static final String NAME = "github";
    public static final String EVENT_HEADER = "X-GitHub-Event";
    public static final String DELIVERY_HEADER = "X-GitHub-Delivery";
    public static final String SIGNATURE_HEADER = "X-Hub-Signature-256";

    private final GithubPushParser parser = new GithubPushParser();

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String authenticationHeader() {
        return SIGNATURE_HEADER;
    }

    @Override
    public boolean isSigned(HookRequest request) {
        return HmacSignature.present(request, SIGNATURE_HEADER);
    }

    @Override
    public boolean verify(HookRequest request, String secret) {
        return HmacSignature.verify(request, SIGNATURE_HEADER, secret);
    }

    @Override
    public ParsedHook parse(HookRequest request) {
        String event = request.header(EVENT_HEADER).orElse(null);
        String delivery = request.header(DELIVERY_HEADER).orElse(null);
        if (!FormBody.isForm(request)) return request.readBody(body -> parser.parse(event, delivery, body));
        byte[] payload;
        try {
            payload = FormBody.payload(request.body()).orElseThrow(); // forms are rare: a copy is fine
        } catch (Payloads.Unreadable e) {
            return new ParsedHook.Invalid(e.getMessage());
        }
        return parser.parse(event, delivery, payload);
    }
}
