package dev.verity.deploy;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * One configuration property a service reads.
 *
 * @param name         the property, with placeholders for the parts a user chooses: {@code <id>} for a map key
 *                     ({@code verity.receiver.repositories.<id>.url}) and {@code [<n>]} for a list index
 * @param type         what it holds, as the source declares it (a Java type, or {@code string} from a properties file)
 * @param defaultValue the default as written, or {@link #REQUIRED} or {@link #UNSET}
 * @param meaning      what it does, from the source's javadoc or comment
 * @param source       where it is declared, relative to the repository root
 */
public record ConfigProperty(String name, String type, String defaultValue, String meaning, String source) {

    /** No default: the service does not start without it. */
    public static final String REQUIRED = "(required)";
    /** Optional, without a default. */
    public static final String UNSET = "(unset)";

    /** The environment variable Quarkus reads for the property, with {@code <ID>} and {@code <N>} as placeholders. */
    public String envName() {
        return env(name, "<ID>", "_<N>_");
    }

    /** Whether {@code variable} is this property's environment variable (any map key, any index). */
    public boolean matchesEnv(String variable) {
        return Pattern.matches(env(name, "[A-Z0-9_]+?", "_[0-9]+_"), variable);
    }

    /** Upper case, every other character {@code _}; the map key and list index replaced as given. */
    private static String env(String name, String id, String index) {
        String marked = name.replace("[<n>]", "\u0004").replace("<id>", "\u0003");
        StringBuilder env = new StringBuilder();
        for (char c : marked.toCharArray()) {
            if (c == '\u0003') env.append(id);
            else if (c == '\u0004') env.append(index);
            else if (Character.isLetterOrDigit(c)) env.append(Character.toUpperCase(c));
            else env.append('_');
        }
        return env.toString();
    }

    /** {@code publishTimeout} → {@code publish-timeout}, as SmallRye Config names a mapping's methods. */
    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
