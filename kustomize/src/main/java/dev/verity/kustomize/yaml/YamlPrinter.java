package dev.verity.kustomize.yaml;

import java.util.ArrayList;
import java.util.List;

/**
 * Prints documents as {@code kubectl kustomize} does (go-yaml v3 with Kustomize's settings): keys sorted, two-space
 * indent, sequences in a mapping not indented, documents separated by {@code ---}, strings quoted only when they
 * would otherwise read back as another type or cannot be written plain, multi-line strings as literal blocks, long
 * lines folded at spaces after column 80.
 */
public final class YamlPrinter {

    private static final int BEST_WIDTH = 80;
    private static final int BEST_INDENT = 2;

    private final StringBuilder out = new StringBuilder();
    private int column;

    private YamlPrinter() {
    }

    /** The documents as one YAML stream. */
    public static String print(List<? extends Node> documents) {
        YamlPrinter printer = new YamlPrinter();
        boolean first = true;
        for (Node document : documents) {
            if (!first) {
                printer.write("---");
                printer.newline();
            }
            first = false;
            printer.document(document);
        }
        return printer.out.toString();
    }

    /** One document. */
    public static String print(Node document) {
        return print(List.of(document));
    }

    private void document(Node node) {
        if (node instanceof MapNode map && map.size() > 0) {
            mapping(map, 0, false);
        } else if (node instanceof SeqNode seq && seq.size() > 0) {
            sequence(seq, 0, false);
        } else {
            value(node, 0);
            newline();
        }
    }

    /** A block mapping whose keys start at {@code indent}; {@code inline} when the first key follows a "- ". */
    private void mapping(MapNode map, int indent, boolean inline) {
        List<String> keys = new ArrayList<>(map.keys());
        keys.sort(YamlPrinter::compareKeys);
        boolean first = true;
        for (String key : keys) {
            if (!(first && inline)) {
                indentTo(indent);
            }
            first = false;
            key(key);
            write(":");
            Node value = map.get(key);
            if (value instanceof MapNode child && child.size() > 0) {
                newline();
                mapping(child, indent + BEST_INDENT, false);
            } else if (value instanceof SeqNode child && child.size() > 0) {
                newline();
                sequence(child, indent, false);
            } else {
                write(" ");
                value(value, indent + BEST_INDENT);
                newline();
            }
        }
    }

    private void sequence(SeqNode seq, int indent, boolean inline) {
        boolean first = true;
        for (Node item : seq.items()) {
            if (!(first && inline)) {
                indentTo(indent);
            }
            first = false;
            write("- ");
            if (item instanceof MapNode child && child.size() > 0) {
                mapping(child, indent + BEST_INDENT, true);
            } else if (item instanceof SeqNode child && child.size() > 0) {
                sequence(child, indent + BEST_INDENT, true);
            } else {
                value(item, indent + BEST_INDENT);
                newline();
            }
        }
    }

    private void value(Node node, int indent) {
        if (node instanceof MapNode) {
            write("{}");
        } else if (node instanceof SeqNode) {
            write("[]");
        } else {
            ScalarNode scalar = (ScalarNode) node;
            if (scalar.isNull()) {
                write("null");
            } else if (scalar.tag() != ScalarNode.Tag.STR) {
                write(scalar.value());
            } else {
                string(scalar.value(), indent, false);
            }
        }
    }

    private void key(String key) {
        string(key, 0, true);
    }

    private enum Style { PLAIN, SINGLE, DOUBLE, LITERAL }

    private void string(String value, int indent, boolean simpleKey) {
        Style requested;
        if (value.indexOf('\n') >= 0) {
            requested = Style.LITERAL;
        } else if (!Scalars.needsQuotes(value)) {
            requested = Style.PLAIN;
        } else {
            requested = Style.DOUBLE;
        }
        Analysis analysis = analyze(value);
        Style style = requested;
        if (style == Style.PLAIN) {
            if (!analysis.blockPlainAllowed || (value.isEmpty() && simpleKey)) {
                style = Style.SINGLE;
            }
        }
        if (style == Style.SINGLE && !analysis.singleQuotedAllowed) {
            style = Style.DOUBLE;
        }
        if (style == Style.LITERAL && (!analysis.blockAllowed || simpleKey)) {
            style = Style.DOUBLE;
        }
        switch (style) {
            case PLAIN -> writePlain(value, indent, !simpleKey);
            case SINGLE -> writeSingle(value, indent, !simpleKey);
            case DOUBLE -> writeDouble(value, indent, !simpleKey);
            case LITERAL -> writeLiteral(value, indent);
        }
    }

    private static final class Analysis {
        boolean blockPlainAllowed;
        boolean singleQuotedAllowed;
        boolean blockAllowed;
    }

    private static boolean isBreak(int c) {
        return c == '\r' || c == '\n' || c == 0x85 || c == 0x2028 || c == 0x2029;
    }

    private static boolean isBlankOrEnd(int c) {
        return c == ' ' || c == '\t' || c == -1 || c == 0 || isBreak(c);
    }

    private static boolean isPrintable(int c) {
        return c == 0x0A || (c >= 0x20 && c <= 0x7E) || c == 0x85 || (c >= 0xA0 && c <= 0xD7FF)
                || (c >= 0xE000 && c <= 0xFFFD && c != 0xFEFF) || (c >= 0x10000 && c <= 0x10FFFF);
    }

    private static Analysis analyze(String value) {
        Analysis a = new Analysis();
        if (value.isEmpty()) {
            a.blockPlainAllowed = true;
            a.singleQuotedAllowed = true;
            a.blockAllowed = false;
            return a;
        }
        int[] cps = value.codePoints().toArray();
        boolean blockIndicators = false;
        boolean leadingSpace = false;
        boolean leadingBreak = false;
        boolean trailingSpace = false;
        boolean trailingBreak = false;
        boolean breakSpace = false;
        boolean spaceBreak = false;
        boolean previousSpace = false;
        boolean previousBreak = false;
        boolean lineBreaks = false;
        boolean specialCharacters = false;
        if (value.startsWith("---") || value.startsWith("...")) {
            blockIndicators = true;
        }
        boolean precededByWhitespace = true;
        for (int i = 0; i < cps.length; i++) {
            int c = cps[i];
            int next = i + 1 < cps.length ? cps[i + 1] : -1;
            boolean followedByWhitespace = isBlankOrEnd(next);
            if (i == 0) {
                if ("#,[]{}&*!|>'\"%@`".indexOf(c) >= 0) {
                    blockIndicators = true;
                }
                if ((c == '?' || c == ':') && followedByWhitespace) {
                    blockIndicators = true;
                }
                if (c == '-' && followedByWhitespace) {
                    blockIndicators = true;
                }
            } else {
                if (c == ':' && followedByWhitespace) {
                    blockIndicators = true;
                }
                if (c == '#' && precededByWhitespace) {
                    blockIndicators = true;
                }
            }
            if (!isPrintable(c)) {
                specialCharacters = true;
            }
            if (isBreak(c)) {
                lineBreaks = true;
            }
            if (c == ' ') {
                if (i == 0) {
                    leadingSpace = true;
                }
                if (i == cps.length - 1) {
                    trailingSpace = true;
                }
                if (previousBreak) {
                    breakSpace = true;
                }
                previousSpace = true;
                previousBreak = false;
            } else if (isBreak(c)) {
                if (i == 0) {
                    leadingBreak = true;
                }
                if (i == cps.length - 1) {
                    trailingBreak = true;
                }
                if (previousSpace) {
                    spaceBreak = true;
                }
                previousBreak = true;
                previousSpace = false;
            } else {
                previousSpace = false;
                previousBreak = false;
            }
            precededByWhitespace = isBlankOrEnd(c);
        }
        a.blockPlainAllowed = true;
        a.singleQuotedAllowed = true;
        a.blockAllowed = true;
        if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) {
            a.blockPlainAllowed = false;
        }
        if (trailingSpace) {
            a.blockAllowed = false;
        }
        if (breakSpace) {
            a.blockPlainAllowed = false;
            a.singleQuotedAllowed = false;
        }
        if (spaceBreak || specialCharacters) {
            a.blockPlainAllowed = false;
            a.singleQuotedAllowed = false;
            a.blockAllowed = false;
        }
        if (lineBreaks) {
            a.blockPlainAllowed = false;
        }
        if (blockIndicators) {
            a.blockPlainAllowed = false;
        }
        return a;
    }

    private void writePlain(String value, int indent, boolean allowBreaks) {
        int[] cps = value.codePoints().toArray();
        boolean spaces = false;
        for (int i = 0; i < cps.length; i++) {
            int c = cps[i];
            if (c == ' ') {
                boolean nextIsSpace = i + 1 < cps.length && cps[i + 1] == ' ';
                if (allowBreaks && !spaces && column > BEST_WIDTH && !nextIsSpace) {
                    newline();
                    indentTo(indent);
                } else {
                    writeCodePoint(c);
                }
                spaces = true;
            } else {
                writeCodePoint(c);
                spaces = false;
            }
        }
    }

    private void writeSingle(String value, int indent, boolean allowBreaks) {
        int[] cps = value.codePoints().toArray();
        write("'");
        boolean spaces = false;
        for (int i = 0; i < cps.length; i++) {
            int c = cps[i];
            if (c == ' ') {
                boolean nextIsSpace = i + 1 < cps.length && cps[i + 1] == ' ';
                if (allowBreaks && !spaces && column > BEST_WIDTH && i != 0 && i != cps.length - 1 && !nextIsSpace) {
                    newline();
                    indentTo(indent);
                } else {
                    writeCodePoint(c);
                }
                spaces = true;
            } else {
                if (c == '\'') {
                    write("'");
                }
                writeCodePoint(c);
                spaces = false;
            }
        }
        write("'");
    }

    private void writeDouble(String value, int indent, boolean allowBreaks) {
        int[] cps = value.codePoints().toArray();
        write("\"");
        boolean spaces = false;
        for (int i = 0; i < cps.length; i++) {
            int c = cps[i];
            if (!isPrintable(c) || c == 0xFEFF || isBreak(c) || c == '"' || c == '\\') {
                write("\\");
                switch (c) {
                    case 0 -> write("0");
                    case 0x07 -> write("a");
                    case 0x08 -> write("b");
                    case 0x09 -> write("t");
                    case 0x0A -> write("n");
                    case 0x0B -> write("v");
                    case 0x0C -> write("f");
                    case 0x0D -> write("r");
                    case 0x1B -> write("e");
                    case '"' -> write("\"");
                    case '\\' -> write("\\");
                    case 0x85 -> write("N");
                    case 0xA0 -> write("_");
                    case 0x2028 -> write("L");
                    case 0x2029 -> write("P");
                    default -> {
                        if (c <= 0xFF) {
                            write(String.format("x%02X", c));
                        } else if (c <= 0xFFFF) {
                            write(String.format("u%04X", c));
                        } else {
                            write(String.format("U%08X", c));
                        }
                    }
                }
                spaces = false;
            } else if (c == ' ') {
                if (allowBreaks && !spaces && column > BEST_WIDTH && i != 0 && i != cps.length - 1) {
                    newline();
                    indentTo(indent);
                    if (i + 1 < cps.length && cps[i + 1] == ' ') {
                        write("\\");
                    }
                } else {
                    writeCodePoint(c);
                }
                spaces = true;
            } else {
                writeCodePoint(c);
                spaces = false;
            }
        }
        write("\"");
    }

    private void writeLiteral(String value, int indent) {
        write("|");
        int[] cps = value.codePoints().toArray();
        if (cps[0] == ' ' || isBreak(cps[0])) {
            write(Integer.toString(BEST_INDENT));
        }
        int last = cps[cps.length - 1];
        if (!isBreak(last)) {
            write("-");
        } else if (cps.length == 1 || isBreak(cps[cps.length - 2])) {
            write("+");
        }
        newline();
        boolean breaks = true;
        int end = isBreak(last) ? cps.length - 1 : cps.length;
        for (int k = 0; k < end; k++) {
            int c = cps[k];
            if (isBreak(c)) {
                newline();
                breaks = true;
            } else {
                if (breaks) {
                    indentTo(indent);
                }
                writeCodePoint(c);
                breaks = false;
            }
        }
    }

    private void indentTo(int indent) {
        while (column < indent) {
            out.append(' ');
            column++;
        }
    }

    private void write(String text) {
        out.append(text);
        column += text.codePointCount(0, text.length());
    }

    private void writeCodePoint(int c) {
        out.appendCodePoint(c);
        column++;
    }

    private void newline() {
        out.append('\n');
        column = 0;
    }

    /**
     * The key order go-yaml gives a mapping it encodes from a Go map: letters by code point, runs of digits by
     * numeric value ({@code a9} before {@code a10}, {@code a1} before {@code a01}), a letter before a digit only when
     * the preceding common character is a digit.
     */
    static int compareKeys(String left, String right) {
        int[] a = left.codePoints().toArray();
        int[] b = right.codePoints().toArray();
        boolean digits = false;
        for (int i = 0; i < a.length && i < b.length; i++) {
            if (a[i] == b[i]) {
                digits = Character.isDigit(a[i]);
                continue;
            }
            boolean aLetter = Character.isLetter(a[i]);
            boolean bLetter = Character.isLetter(b[i]);
            if (aLetter && bLetter) {
                return Integer.compare(a[i], b[i]);
            }
            if (aLetter || bLetter) {
                boolean aFirst = digits ? aLetter : bLetter;
                return aFirst ? -1 : 1;
            }
            long aNumber = 0;
            long bNumber = 0;
            if (a[i] == '0' || b[i] == '0') {
                for (int j = i - 1; j >= 0 && Character.isDigit(a[j]); j--) {
                    if (a[j] != '0') {
                        aNumber = 1;
                        bNumber = 1;
                        break;
                    }
                }
            }
            int aEnd = i;
            while (aEnd < a.length && Character.isDigit(a[aEnd])) {
                aNumber = aNumber * 10 + (a[aEnd] - '0');
                aEnd++;
            }
            int bEnd = i;
            while (bEnd < b.length && Character.isDigit(b[bEnd])) {
                bNumber = bNumber * 10 + (b[bEnd] - '0');
                bEnd++;
            }
            if (aNumber != bNumber) {
                return aNumber < bNumber ? -1 : 1;
            }
            if (aEnd != bEnd) {
                return aEnd < bEnd ? -1 : 1;
            }
            return Integer.compare(a[i], b[i]);
        }
        return Integer.compare(a.length, b.length);
    }
}
