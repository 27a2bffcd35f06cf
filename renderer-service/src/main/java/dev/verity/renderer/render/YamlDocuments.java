package dev.verity.renderer.render;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a multi-document YAML stream (Kustomize's output) into one string per document, in stream order.
 * A line that is exactly {@code ---} starts a new document (YAML forbids that line inside any scalar, so this
 * never cuts a value); a line that is exactly {@code ...} ends one. Empty and comment-only documents are dropped.
 * Each document keeps its text as written, ending with one newline.
 */
public final class YamlDocuments {
    private YamlDocuments() {
    }

    public static List<String> split(String stream) {
        List<String> documents = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : stream.split("\r?\n", -1)) {
            String marker = line.stripTrailing();
            if (marker.equals("---") || marker.equals("...")) {
                add(documents, current);
                current.setLength(0);
            } else {
                current.append(line).append('\n');
            }
        }
        add(documents, current);
        return List.copyOf(documents);
    }

    private static void add(List<String> documents, StringBuilder text) {
        String doc = text.toString().stripTrailing();
        boolean content = doc.lines().anyMatch(l -> !l.isBlank() && !l.stripLeading().startsWith("#"));
        if (content) documents.add(doc.replaceAll("^(\\s*\\n)+", "") + "\n");
    }
}
