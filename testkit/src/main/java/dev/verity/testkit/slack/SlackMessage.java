package dev.verity.testkit.slack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * One message the {@link SlackRecorder} accepted.
 *
 * @param via        how it arrived
 * @param channel    the channel id it was posted to ({@code C…}); for a webhook, the channel the webhook posts to
 * @param text       the top-level {@code text}, or null when the message only has blocks
 * @param blocks     the {@code blocks} array as JSON, or null when there are none
 * @param threadTs   the {@code thread_ts} it replied to, or null for a top-level message
 * @param ts         the timestamp Slack gave it: unique, and what a reply names as its {@code thread_ts}
 * @param receivedAt when the recorder received it
 * @param edits      the earlier versions of the message, oldest first, each as its readable text: {@code chat.update}
 *                   replaced its text and blocks (empty when never edited)
 */
public record SlackMessage(Via via, String channel, String text, String blocks, String threadTs, String ts,
        Instant receivedAt, List<String> edits) {

    public SlackMessage {
        edits = edits == null ? List.of() : List.copyOf(edits);
    }

    /** A message never edited. */
    public SlackMessage(Via via, String channel, String text, String blocks, String threadTs, String ts,
            Instant receivedAt) {
        this(via, channel, text, blocks, threadTs, ts, receivedAt, List.of());
    }

    /** This message after {@code chat.update} gave it new text and blocks. */
    public SlackMessage edited(String newText, String newBlocks) {
        List<String> history = new ArrayList<>(edits);
        history.add(readableText());
        return new SlackMessage(via, channel, newText, newBlocks, threadTs, ts, receivedAt, history);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    /** How a message reached Slack. */
    public enum Via {
        /** {@code POST /services/…}: an incoming webhook */
        WEBHOOK,
        /** {@code POST /api/chat.postMessage} with a bot token */
        CHAT_POST_MESSAGE
    }

    /** Whether this message is a reply in a thread. */
    public boolean isReply() {
        return threadTs != null;
    }

    /**
     * What a person reads in Slack: the top-level text and every {@code text} in the blocks (headers, sections,
     * fields, context elements), one per line, in order.
     */
    public String readableText() {
        List<String> lines = new ArrayList<>();
        if (text != null && !text.isBlank()) lines.add(text);
        if (blocks != null) {
            try {
                collectTexts(JSON.readTree(blocks), lines);
            } catch (Exception e) {
                throw new IllegalStateException("recorded blocks are not JSON: " + blocks, e);
            }
        }
        return String.join("\n", lines);
    }

    private static void collectTexts(JsonNode node, List<String> out) {
        if (node.isArray()) {
            node.forEach(n -> collectTexts(n, out));
        } else if (node.isObject()) {
            JsonNode text = node.get("text");
            if (text != null && text.isTextual()) out.add(text.asText());
            node.properties().forEach(e -> {
                if (!e.getKey().equals("text") || !e.getValue().isTextual()) collectTexts(e.getValue(), out);
            });
        }
    }
}
