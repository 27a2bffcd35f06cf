package dev.verity.receiver.generic;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verity.receiver.Forge;
import dev.verity.receiver.FormBody;
import dev.verity.receiver.HmacSignature;
import dev.verity.receiver.HookRequest;
import dev.verity.receiver.ParsedHook;
import dev.verity.receiver.Payloads;

import java.util.ArrayList;
import java.util.List;


/**
 * Any sender (a CI job, a script, a forge Verity does not know): {@code X-Verity-Signature: sha256=<hex HMAC-SHA256
 * of the raw body>} keyed with the repository's secret, an optional {@code X-Verity-Delivery} id, and a JSON body:
 * <pre>
 * {"ref": "refs/heads/main",          required: the branch (or tag, ignored)
 *  "before": "&lt;sha&gt;",                optional: the old head; absent or zeros for a new branch
 *  "after": "&lt;sha&gt;",                 required: the new head; zeros deletes the branch
 *  "paths": ["apps/shop/base/x.yaml"], optional: every path the push changed; absent means not known
 *  "pusher": "ci-bot"}                 optional
 * </pre>
 * Other fields are ignored. Paths are complete only when {@code paths} is given and the branch existed before.
 */
public final class GenericForge implements Forge {

    public static final String NAME = "generic";
    public static final String SIGNATURE_HEADER = "X-Verity-Signature";
    public static final String DELIVERY_HEADER = "X-Verity-Delivery";

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
        if (FormBody.isForm(request)) {
            return new ParsedHook.Unsupported("the generic endpoint reads JSON only; this body is form-encoded:"
                    + " send application/json");
        }
        JsonNode root;
        try {
            root = Payloads.object(request, "the generic payload");
        } catch (Payloads.Unreadable e) {
            return new ParsedHook.Invalid(e.getMessage());
        }
        JsonNode pathsNode = root.get("paths");
        List<String> paths = new ArrayList<>();
        if (pathsNode != null && !pathsNode.isNull()) {
            if (!pathsNode.isArray()) return new ParsedHook.Invalid("the generic payload's paths is not a list of strings");
            for (JsonNode path : pathsNode) {
                if (!path.isTextual()) return new ParsedHook.Invalid("the generic payload's paths is not a list of strings");
                if (!path.asText().isEmpty()) paths.add(path.asText());
            }
        }
        boolean listed = pathsNode != null && pathsNode.isArray();
        return Payloads.change("the generic payload", null, Payloads.text(root, "ref"), Payloads.text(root, "before"),
                Payloads.text(root, "after"), paths.stream().sorted().distinct().toList(), listed,
                request.header(DELIVERY_HEADER).orElse(null), Payloads.text(root, "pusher"));
    }

}
