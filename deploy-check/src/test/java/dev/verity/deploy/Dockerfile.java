package dev.verity.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A Dockerfile read as its instructions (continuation lines joined, comments dropped); enough to check ours. */
record Dockerfile(Path file, List<Instruction> instructions) {

    record Instruction(String keyword, String arguments) {
        /** The words of the arguments, split on blanks (our COPY and EXPOSE lines quote nothing). */
        List<String> words() {
            return List.of(arguments.trim().split("\\s+"));
        }
    }

    static Dockerfile read(Path file) {
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        List<Instruction> instructions = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        for (String line : lines) {
            String trimmed = line.strip();
            if (current.isEmpty() && (trimmed.isEmpty() || trimmed.startsWith("#"))) continue;
            if (trimmed.startsWith("#")) continue;
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
                continue;
            }
            current.append(trimmed);
            String text = current.toString();
            current.setLength(0);
            int space = text.indexOf(' ');
            instructions.add(new Instruction(text.substring(0, space).toUpperCase(Locale.ROOT), text.substring(space + 1).trim()));
        }
        return new Dockerfile(file, List.copyOf(instructions));
    }

    List<Instruction> all(String keyword) {
        return instructions.stream().filter(i -> i.keyword().equals(keyword)).toList();
    }

    /** The sources of each COPY from the build context (not {@code --from} another stage or image), flags left out. */
    List<String> contextSources() {
        List<String> sources = new ArrayList<>();
        for (Instruction copy : all("COPY")) {
            List<String> words = copy.words();
            if (words.stream().anyMatch(w -> w.startsWith("--from="))) continue;
            List<String> args = words.stream().filter(w -> !w.startsWith("--")).toList();
            sources.addAll(args.subList(0, args.size() - 1));
        }
        return sources;
    }
}
