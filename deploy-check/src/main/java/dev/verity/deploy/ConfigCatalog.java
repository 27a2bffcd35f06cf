package dev.verity.deploy;

import dev.verity.events.topics.TopicSettings;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Every property a service reads, found in the repository's sources (so it needs no running service): the
 * {@code @ConfigMapping} interfaces (names from the methods as SmallRye Config derives them, defaults from
 * {@code @WithDefault}, meanings from the javadoc), {@code @ConfigProperty} injections, the topic settings every
 * service reads ({@link TopicSettings}), a few Quarkus and Kafka settings a deployment sets, and the keys of the
 * service's {@code application.properties} (meaning from the comment above them).
 */
public final class ConfigCatalog {

    /** Modules whose sources every service includes. */
    static final List<String> SHARED_MODULES = List.of("service-support");

    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern INTERFACE = Pattern.compile("^\\s*(?:public\\s+)?(?:static\\s+)?interface\\s+(\\w+)");
    private static final Pattern METHOD = Pattern.compile("^\\s*([\\w.]+(?:<.+>)?)\\s+(\\w+)\\(\\)\\s*;");
    private static final Pattern WITH_DEFAULT = Pattern.compile("@WithDefault\\(\"((?:[^\"\\\\]|\\\\.)*)\"\\)");
    private static final Pattern WITH_NAME = Pattern.compile("@WithName\\(\"([^\"]+)\"\\)");
    private static final Pattern INJECTED = Pattern.compile(
            "(?:/\\*\\*((?:(?!\\*/).)*)\\*/\\s*)?@ConfigProperty\\(\\s*name\\s*=\\s*\"([^\"]+)\"\\s*(?:,\\s*defaultValue\\s*=\\s*([^)]+?))?\\)\\s*"
                    + "([\\w.]+(?:<[\\w.<>, ?]+>)?)\\s+\\w+", Pattern.DOTALL);

    /**
     * What properties injected with {@code @ConfigProperty} mean, where the injection point (a parameter) has no
     * javadoc of its own.
     */
    static final Map<String, String> INJECTED_MEANINGS = Map.of(
            "verity.service.name", "Who this service is, for the shared beans: names its topic-provisioning client and its skipped-event counts. Set by each service's application.properties; do not change.",
            "verity.service.clusters", "The clusters whose per-cluster topics (verity.desired.<cluster>, verity.applied.<cluster>, leader topics) this service provisions at start, comma-separated.",
            "verity.allowed-writers", "Field managers whose writes to the listed fields are never drift and are left alone by the applier: manager[/subresource]:field, comma-separated (the HorizontalPodAutoscaler's /scale writes to spec.replicas by default).",
            "quarkus.mailer.host", "The SMTP server the notifier sends e-mail through.",
            "quarkus.mailer.port", "The SMTP server's port (Quarkus' default: 25, or 465 with TLS).");

    private final Path root;

    public ConfigCatalog(Path root) {
        this.root = root;
    }

    /** The properties {@code service} reads, by name. */
    public Map<String, ConfigProperty> of(Service service) {
        Map<String, ConfigProperty> found = new TreeMap<>();
        List<Path> sources = new ArrayList<>(javaSources(service.module()));
        for (String shared : SHARED_MODULES) sources.addAll(javaSources(shared));
        // a group may be an interface of its own file: every interface of the service's sources, by simple name
        Map<String, List<Member>> everywhere = new LinkedHashMap<>();
        for (Path source : sources) interfaces(read(source)).forEach(everywhere::putIfAbsent);
        for (Path source : sources) {
            String text = read(source);
            if (MAPPING.matcher(text).find()) mapping(source, text, everywhere).forEach(p -> found.putIfAbsent(p.name(), p));
            injected(source, text).forEach(p -> found.putIfAbsent(p.name(), p));
        }
        for (ConfigProperty p : deployment(service)) found.putIfAbsent(p.name(), p);
        for (ConfigProperty p : applicationProperties(service)) {
            ConfigProperty declared = found.get(p.name());
            // a value in application.properties is the default a deployment sees, whatever the source declares
            found.put(p.name(), declared == null ? p : new ConfigProperty(declared.name(), declared.type(), p.defaultValue(),
                    declared.meaning().isEmpty() ? p.meaning() : declared.meaning(), declared.source()));
        }
        return found;
    }

    /** The property that {@code variable} sets for {@code service}, if it reads one by that environment variable. */
    public Optional<ConfigProperty> forEnv(Service service, String variable) {
        return of(service).values().stream().filter(p -> p.matchesEnv(variable)).findFirst();
    }

    private List<Path> javaSources(String module) {
        Path main = root.resolve(module).resolve("src/main/java");
        if (!Files.isDirectory(main)) return List.of();
        try (Stream<Path> files = Files.walk(main)) {
            return files.filter(p -> p.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + main, e);
        }
    }

    private String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private String relative(Path file) {
        return root.relativize(file).toString();
    }

    // --- @ConfigMapping interfaces ---------------------------------------------------------------------------------

    private record Member(String type, String name, String defaultValue, String doc) {
    }

    /** The interfaces of one file, by simple name, each with its methods in order. */
    private static Map<String, List<Member>> interfaces(String text) {
        Map<String, List<Member>> interfaces = new LinkedHashMap<>();
        Deque<String> open = new ArrayDeque<>();
        Deque<Integer> openedAt = new ArrayDeque<>();
        int depth = 0;
        StringBuilder doc = null;
        String pendingDoc = null;
        String pendingDefault = null;
        String pendingName = null;
        for (String line : text.split("\n")) {
            String t = line.strip();
            if (doc != null) {
                int end = t.indexOf("*/");
                doc.append(' ').append(end >= 0 ? t.substring(0, end) : t.replaceFirst("^\\*", ""));
                if (end >= 0) {
                    pendingDoc = doc.toString();
                    doc = null;
                }
                continue;
            }
            if (t.startsWith("/**")) {
                String rest = t.substring(3);
                int end = rest.indexOf("*/");
                if (end >= 0) {
                    pendingDoc = rest.substring(0, end);
                } else {
                    doc = new StringBuilder(rest);
                }
                continue;
            }
            Matcher def = WITH_DEFAULT.matcher(t);
            if (def.find()) pendingDefault = def.group(1).replace("\\\"", "\"").replace("\\\\", "\\");
            Matcher named = WITH_NAME.matcher(t);
            if (named.find()) pendingName = named.group(1);
            Matcher iface = INTERFACE.matcher(t);
            Matcher method = METHOD.matcher(t);
            if (iface.find()) {
                open.push(iface.group(1));
                openedAt.push(depth);
                interfaces.put(iface.group(1), new ArrayList<>());
                pendingDoc = null;
            } else if (method.find() && !open.isEmpty() && !t.startsWith("return")) {
                String name = pendingName != null ? pendingName : ConfigProperty.kebab(method.group(2));
                interfaces.get(open.peek()).add(new Member(method.group(1), name, pendingDefault, pendingDoc));
                pendingDoc = null;
                pendingDefault = null;
                pendingName = null;
            }
            for (char c : t.toCharArray()) {
                if (c == '{') depth++;
                if (c == '}') {
                    depth--;
                    if (!openedAt.isEmpty() && depth == openedAt.peek()) {
                        open.pop();
                        openedAt.pop();
                    }
                }
            }
        }
        return interfaces;
    }

    private List<ConfigProperty> mapping(Path source, String text, Map<String, List<Member>> everywhere) {
        Matcher prefix = MAPPING.matcher(text);
        prefix.find();
        Map<String, List<Member>> local = interfaces(text);
        String top = local.keySet().iterator().next();
        Map<String, List<Member>> interfaces = new LinkedHashMap<>(everywhere);
        interfaces.putAll(local); // this file's own interfaces first
        List<ConfigProperty> properties = new ArrayList<>();
        expand(prefix.group(1), top, interfaces, relative(source), properties, 0, "");
        return properties;
    }

    private static final Pattern OPTIONAL = Pattern.compile("Optional<(.+)>");
    private static final Pattern LIST = Pattern.compile("List<(\\w+)>");
    private static final Pattern MAP = Pattern.compile("Map<String,\\s*(\\w+)>");

    private void expand(String prefix, String iface, Map<String, List<Member>> interfaces, String source,
            List<ConfigProperty> out, int level, String groupDoc) {
        if (level > 5) throw new IllegalStateException(source + ": configuration groups nested too deeply at " + prefix);
        for (Member m : interfaces.get(iface)) {
            String type = m.type();
            boolean optional = false;
            Matcher opt = OPTIONAL.matcher(type);
            if (opt.matches()) {
                optional = true;
                type = opt.group(1);
            }
            String name = prefix + "." + m.name();
            String doc = m.doc() != null ? meaning(m.doc())
                    : groupDoc.isEmpty() ? "" : groupDoc + " (" + m.name() + ")";
            Matcher list = LIST.matcher(type);
            Matcher map = MAP.matcher(type);
            if (interfaces.containsKey(type)) {
                expand(name, type, interfaces, source, out, level + 1, doc);
            } else if (list.matches() && interfaces.containsKey(list.group(1))) {
                expand(name + "[<n>]", list.group(1), interfaces, source, out, level + 1, doc);
            } else if (map.matches() && interfaces.containsKey(map.group(1))) {
                expand(name + ".<id>", map.group(1), interfaces, source, out, level + 1, doc);
            } else if (map.matches()) {
                out.add(new ConfigProperty(name + ".<id>", map.group(1), ConfigProperty.UNSET, doc, source));
            } else {
                String def = m.defaultValue() != null ? m.defaultValue() : optional ? ConfigProperty.UNSET : ConfigProperty.REQUIRED;
                out.add(new ConfigProperty(name, type, def, doc, source));
            }
        }
    }

    // --- @ConfigProperty injections -----------------------------------------------------------------------------

    private List<ConfigProperty> injected(Path source, String text) {
        List<ConfigProperty> found = new ArrayList<>();
        Matcher m = INJECTED.matcher(text);
        while (m.find()) {
            String name = m.group(2);
            if (name.startsWith("mp.messaging.")) continue; // channel settings: listed from application.properties
            String type = m.group(4);
            String def = m.group(3) == null
                    ? (type.startsWith("Optional") ? ConfigProperty.UNSET : ConfigProperty.REQUIRED)
                    : constant(m.group(3).trim(), source);
            String doc = m.group(1) != null ? meaning(m.group(1)) : INJECTED_MEANINGS.getOrDefault(name, "");
            found.add(new ConfigProperty(name, type, def, doc, relative(source)));
        }
        return found;
    }

    /** A default written as a literal, or as {@code Type.CONSTANT} declared as a string literal in {@code Type.java}. */
    private String constant(String expression, Path from) {
        if (expression.startsWith("\"")) return expression.substring(1, expression.length() - 1);
        int dot = expression.lastIndexOf('.');
        String type = expression.substring(0, dot);
        String field = expression.substring(dot + 1);
        Pattern declaration = Pattern.compile(Pattern.quote(field) + "\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
        try (Stream<Path> files = Files.walk(root, 8)) {
            for (Path p : files.filter(p -> p.getFileName().toString().equals(type + ".java"))
                    .filter(p -> p.toString().contains("/src/main/java/")).toList()) {
                Matcher m = declaration.matcher(read(p));
                if (m.find()) return m.group(1);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot search " + root, e);
        }
        throw new IllegalStateException(relative(from) + ": cannot find the value of " + expression);
    }

    // --- what a deployment sets that is not declared by Verity's sources -----------------------------------------

    private List<ConfigProperty> deployment(Service service) {
        String support = "events/src/main/java/dev/verity/events/topics/TopicSettings.java";
        List<ConfigProperty> list = new ArrayList<>(List.of(
                new ConfigProperty("kafka.bootstrap.servers", "string",
                        service.properties(root).getProperty("kafka.bootstrap.servers", "localhost:9092"),
                        "The Kafka brokers every channel and the topic provisioning connect to (Quarkus' default Kafka"
                                + " configuration; other kafka.* settings, e.g. kafka.security.protocol, reach every client too).",
                        "Quarkus Kafka"),
                new ConfigProperty("verity.topics.partitions", "int", String.valueOf(TopicSettings.DEFAULT_PARTITIONS),
                        "The one partition count of every topic keyed by target (desired, applied, rollout, drift, incidents,"
                                + " undelivered and their dead-letter topics), used when the service provisions them at start.",
                        support),
                new ConfigProperty("verity.topics.commit-partitions", "int", String.valueOf(TopicSettings.DEFAULT_PARTITIONS),
                        "The partitions of verity.commits (keyed by repository; the renderer's replicas share them).", support),
                new ConfigProperty("verity.topics.timeout", "Duration", TopicSettings.DEFAULT_TIMEOUT.toSeconds() + "s",
                        "How long one topic provisioning step may take.", support),
                new ConfigProperty("quarkus.log.level", "string", "INFO", "The root log level (Quarkus).", "Quarkus"),
                new ConfigProperty("quarkus.otel.exporter.otlp.traces.endpoint", "string", ConfigProperty.UNSET,
                        "Where the service sends its traces, over OTLP/HTTP (e.g. http://collector:4318; /v1/traces is"
                                + " added). Unset: traces off, no spans and no export attempts, and events carry the"
                                + " traceparent derived from their repository and commit (service-support:"
                                + " TracesNeedAnEndpoint). See docs/architecture.md, Traces.", "Quarkus OpenTelemetry")));
        if (service == Service.NOTIFIER) {
            list.add(new ConfigProperty("quarkus.mailer.username", "string", ConfigProperty.UNSET,
                    "The SMTP login, when the server asks for one (Quarkus mailer).", "Quarkus mailer"));
            list.add(new ConfigProperty("quarkus.mailer.password", "string", ConfigProperty.UNSET,
                    "The SMTP password (a secret: set it from the environment, QUARKUS_MAILER_PASSWORD).", "Quarkus mailer"));
            list.add(new ConfigProperty("quarkus.mailer.start-tls", "string", "OPTIONAL",
                    "STARTTLS: DISABLED, OPTIONAL or REQUIRED (Quarkus mailer).", "Quarkus mailer"));
            list.add(new ConfigProperty("quarkus.mailer.tls", "boolean", "false",
                    "Connect with TLS from the start (SMTPS, usually port 465) (Quarkus mailer).", "Quarkus mailer"));
        }
        return list;
    }

    // --- application.properties ---------------------------------------------------------------------------------

    /** What Quarkus settings that Verity's application.properties set mean, where no comment says it. */
    static final Map<String, String> QUARKUS_MEANINGS = Map.of(
            "quarkus.http.port", "The HTTP port: the service's REST endpoints, /q/health/live and /q/health/ready, /q/metrics.",
            "quarkus.http.test-port", "The HTTP port in tests (0: a free one).",
            "quarkus.application.name", "The application's name, in logs and metrics.",
            "quarkus.devservices.enabled", "Quarkus Dev Services (containers started in dev and test mode): off, Kafka and the cluster are always configured.",
            "quarkus.kafka.devservices.enabled", "Quarkus Dev Services for Kafka: off.",
            "quarkus.kubernetes-client.devservices.enabled", "Quarkus Dev Services for Kubernetes: off.",
            "quarkus.analytics.disabled", "Quarkus build analytics: off.",
            "quarkus.banner.enabled", "The Quarkus banner at start.");

    private List<ConfigProperty> applicationProperties(Service service) {
        Path file = service.applicationProperties(root);
        List<ConfigProperty> found = new ArrayList<>();
        StringBuilder comment = new StringBuilder();
        String groupComment = "";
        String groupKey = null;
        for (String line : read(file).split("\n")) {
            String t = line.strip();
            if (t.isEmpty()) {
                comment.setLength(0);
                groupComment = "";
                continue;
            }
            if (t.startsWith("#")) {
                String c = t.substring(1).strip();
                // a commented-out example setting is not a sentence about the next lines
                if (!c.matches("[\\w.%\\-\"\\[\\]]+=.*")) comment.append(comment.isEmpty() ? "" : " ").append(c);
                continue;
            }
            int eq = t.indexOf('=');
            if (eq < 0) continue;
            String key = t.substring(0, eq).strip();
            String group = key.replaceFirst("^%\\w+\\.", "");
            group = String.join(".", List.of(group.split("\\.")).subList(0, Math.min(group.startsWith("mp.") ? 4 : 2,
                    group.split("\\.").length)));
            if (!comment.isEmpty()) {
                groupComment = comment.toString();
                groupKey = group;
                comment.setLength(0);
            } else if (!group.equals(groupKey)) {
                groupComment = "";
            }
            if (key.startsWith("%")) continue; // a profile's setting (test, dev): not a deployment's
            String meaning = QUARKUS_MEANINGS.containsKey(key) ? QUARKUS_MEANINGS.get(key)
                    : !groupComment.isEmpty() ? groupComment : fallback(key);
            found.add(new ConfigProperty(key, "string", t.substring(eq + 1).strip(), meaning, relative(file)));
        }
        return found;
    }

    private static final Pattern CHANNEL = Pattern.compile("mp\\.messaging\\.(incoming|outgoing)\\.([\\w-]+)\\.(.+)");

    private static String fallback(String key) {
        Matcher channel = CHANNEL.matcher(key);
        if (channel.matches()) {
            return "The " + channel.group(1) + " Kafka channel `" + channel.group(2) + "`: its `" + channel.group(3)
                    + "` (SmallRye Kafka connector, or the Kafka client setting of that name).";
        }
        if (key.startsWith("quarkus.log.category.")) return "The log level of one logger category.";
        return "";
    }

    /** Javadoc as one line of text: {@code {@code x}} and {@code {@link X#y}} as their text, HTML tags dropped. */
    static String meaning(String doc) {
        if (doc == null) return "";
        String s = doc.replaceAll("\\s*\\n\\s*\\*?", " ");
        s = s.replaceAll("\\{@(?:code|literal|value)\\s+([^}]*)}", "`$1`");
        s = s.replaceAll("\\{@link(?:plain)?\\s+(?:[\\w.]*#)?([^} ]+)(?:\\s+([^}]*))?}", "$1");
        s = s.replaceAll("</?(?:p|ul|ol|li|pre|b|i|em|strong|table|tr|td|th|caption|br|a)\\b[^>]*>", "");
        s = s.replaceAll("\\s*@(?:param|return|throws|see)\\b.*", "");
        return s.replaceAll("\\s+", " ").strip();
    }
}
