package dev.verity.receiver.bitbucket;

import com.fasterxml.jackson.databind.JsonNode;
import dev.verity.receiver.Forge;
import dev.verity.receiver.FormBody;
import dev.verity.receiver.HmacSignature;
import dev.verity.receiver.HookRequest;
import dev.verity.receiver.ParsedHook;
import dev.verity.receiver.Payloads;
import dev.verity.receiver.RefName;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Bitbucket Cloud ({@code bitbucket}) and Bitbucket Data Center/Server ({@code bitbucket-server}): the event in
 * {@code X-Event-Key}, {@code X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>}, the delivery id in
 * {@code X-Request-UUID} (Cloud) or {@code X-Request-Id} (Data Center). One delivery may move several refs: each
 * branch change becomes its own push or deletion. Neither product lists changed paths in a push, so the paths of
 * every push are incomplete and the renderer reads them from Git.
 * <ul>
 * <li>Cloud {@code repo:push}: {@code push.changes[]} with {@code old}/{@code new} ({@code null} for a created or
 * deleted ref), {@code type} {@code branch} or {@code tag}, {@code truncated} when the commit list was cut.</li>
 * <li>Data Center {@code repo:refs_changed}: {@code changes[]} with {@code ref.id}, {@code fromHash},
 * {@code toHash} and {@code type} {@code ADD}/{@code UPDATE}/{@code DELETE}; {@code diagnostics:ping} is the
 * "Test connection" button.</li>
 * </ul>
 */
public final class BitbucketForge implements Forge {

    public static final String SIGNATURE_HEADER = "X-Hub-Signature";
    public static final String EVENT_HEADER = "X-Event-Key";

    private final boolean cloud;

    private BitbucketForge(boolean cloud) {
        this.cloud = cloud;
    }

    public static BitbucketForge cloud() {
        return new BitbucketForge(true);
    }

    public static BitbucketForge dataCenter() {
        return new BitbucketForge(false);
    }

    @Override
    public String name() {
        return cloud ? "bitbucket" : "bitbucket-server";
    }

    private String product() {
        return cloud ? "Bitbucket Cloud" : "Bitbucket Data Center";
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
        List<ParsedHook> all = parseAll(request);
        return all.size() == 1 ? all.get(0) : new ParsedHook.Invalid("the " + product()
                + " delivery moves " + all.size() + " refs: read it with parseAll");
    }

    @Override
    public List<ParsedHook> parseAll(HookRequest request) {
        String event = request.header(EVENT_HEADER).orElse(null);
        if (event == null) {
            return List.of(new ParsedHook.Invalid("the delivery has no X-Event-Key header: is the sender a "
                    + product() + " webhook?"));
        }
        if (FormBody.isForm(request)) {
            return List.of(new ParsedHook.Unsupported(product() + " sends JSON only; this body is form-encoded:"
                    + " send application/json"));
        }
        if ("diagnostics:ping".equals(event)) {
            return List.of(new ParsedHook.Ignored(Optional.empty(), "ping: the webhook reaches Verity"));
        }
        String push = cloud ? "repo:push" : "repo:refs_changed";
        if (!push.equals(event)) {
            return List.of(new ParsedHook.Ignored(Optional.empty(), "event " + Payloads.printable(event)
                    + " is not a push (" + push + "): Verity acts on pushes only"));
        }
        String what = "the " + product() + " " + event + " payload";
        JsonNode root;
        try {
            root = Payloads.object(request, what);
        } catch (Payloads.Unreadable e) {
            return List.of(new ParsedHook.Invalid(e.getMessage()));
        }
        String deliveryId = request.header(cloud ? "X-Request-UUID" : "X-Request-Id").orElse(null);
        JsonNode changes = cloud ? root.path("push").get("changes") : root.get("changes");
        if (changes == null || !changes.isArray() || changes.isEmpty()) {
            return List.of(new ParsedHook.Invalid(what + " has no " + (cloud ? "push.changes" : "changes")));
        }
        String pusher = cloud ? firstText(root.get("actor"), "nickname", "username", "display_name")
                : firstText(root.get("actor"), "name", "slug", "displayName");
        List<ParsedHook> parsed = new ArrayList<>();
        for (JsonNode change : changes) {
            parsed.add(cloud ? cloudChange(what, change, deliveryId, pusher) : dataCenterChange(what, change, deliveryId, pusher));
        }
        return parsed;
    }

    private static ParsedHook cloudChange(String what, JsonNode change, String deliveryId, String pusher) {
        JsonNode old = change.get("old");
        JsonNode now = change.get("new");
        JsonNode side = now != null && now.isObject() ? now : old;
        if (side == null || !side.isObject()) return new ParsedHook.Invalid(what + " has a change with neither old nor new");
        String type = Payloads.text(side, "type");
        String name = Payloads.text(side, "name");
        if (name == null) return new ParsedHook.Invalid(what + " has a change naming no ref");
        String prefix;
        if ("branch".equals(type) || "named_branch".equals(type)) prefix = RefName.BRANCH_PREFIX;
        else if ("tag".equals(type) || "annotated_tag".equals(type)) prefix = RefName.TAG_PREFIX;
        else return new ParsedHook.Ignored(Optional.empty(), "a change of a " + Payloads.printable(type)
                + ": Verity renders branch heads only");
        String before = old != null && old.isObject() ? Payloads.text(old.path("target"), "hash") : null;
        String after = now != null && now.isObject() ? Payloads.text(now.path("target"), "hash") : Payloads.ZERO_ID;
        // Cloud lists commits without their paths: the paths are never known from the payload
        return Payloads.change(what, null, prefix + name, before, after, List.of(), false, deliveryId, pusher);
    }

    private static ParsedHook dataCenterChange(String what, JsonNode change, String deliveryId, String pusher) {
        String ref = Payloads.text(change.path("ref"), "id");
        if (ref == null) ref = Payloads.text(change, "refId");
        String type = Payloads.text(change, "type");
        String before = Payloads.text(change, "fromHash");
        String after = Payloads.text(change, "toHash");
        if ("DELETE".equals(type) && after == null) after = Payloads.ZERO_ID;
        if ("ADD".equals(type) && before == null) before = Payloads.ZERO_ID;
        return Payloads.change(what, null, ref, before, after, List.of(), false, deliveryId, pusher);
    }

    private static String firstText(JsonNode node, String... fields) {
        for (String field : fields) {
            String value = Payloads.text(node, field);
            if (value != null) return value;
        }
        return null;
    }
}
