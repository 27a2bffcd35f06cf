package dev.verity.kustomize.patch;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The {@code target:} of a patch: which resources of the build it applies to, matched as Kustomize v5.5 does.
 *
 * <ul>
 *   <li>an empty (or absent) field matches anything;</li>
 *   <li>{@code group}, {@code version}, {@code kind}, {@code name} and {@code namespace} are regular expressions
 *       anchored at both ends ({@code name: orders} does not match {@code orders-api}; {@code kind:
 *       Deployment|StatefulSet} matches both), case-sensitive;</li>
 *   <li>{@code name} matches the resource's current or original name, {@code namespace} its current or original
 *       namespace, where a namespaced resource without one is in {@code default} and a cluster-scoped one is in no
 *       namespace that a plain name matches (Kustomize calls it {@code _non_namespaceable_}, which {@code .*}
 *       does match);</li>
 *   <li>{@code labelSelector} and {@code annotationSelector} are {@link LabelSelector}s.</li>
 * </ul>
 *
 * A target that matches nothing is not an error in Kustomize v5.5: the patch applies to no resource.
 */
public final class PatchTarget {

    /** The namespace Kustomize gives a namespaced resource without one. */
    static final String DEFAULT_NAMESPACE = "default";

    /** The namespace Kustomize gives a cluster-scoped resource, for matching. */
    static final String NO_NAMESPACE = "_non_namespaceable_";

    private final String group;
    private final String version;
    private final String kind;
    private final String name;
    private final String namespace;
    private final String labelSelectorText;
    private final String annotationSelectorText;
    private final Pattern groupPattern;
    private final Pattern versionPattern;
    private final Pattern kindPattern;
    private final Pattern namePattern;
    private final Pattern namespacePattern;
    private final LabelSelector labelSelector;
    private final LabelSelector annotationSelector;

    private PatchTarget(String group, String version, String kind, String name, String namespace,
                        String labelSelector, String annotationSelector) {
        this.group = nullToEmpty(group);
        this.version = nullToEmpty(version);
        this.kind = nullToEmpty(kind);
        this.name = nullToEmpty(name);
        this.namespace = nullToEmpty(namespace);
        this.labelSelectorText = nullToEmpty(labelSelector);
        this.annotationSelectorText = nullToEmpty(annotationSelector);
        this.groupPattern = anchored(this.group);
        this.versionPattern = anchored(this.version);
        this.kindPattern = anchored(this.kind);
        this.namePattern = anchored(this.name);
        this.namespacePattern = anchored(this.namespace);
        this.labelSelector = LabelSelector.parse(labelSelectorText);
        this.annotationSelector = LabelSelector.parse(annotationSelectorText);
    }

    /**
     * A target from the fields of a {@code target:} entry; {@code null} or empty fields match anything.
     *
     * @throws PatchException when a field is not a valid regular expression or a selector does not parse
     */
    public static PatchTarget of(String group, String version, String kind, String name, String namespace,
                                 String labelSelector, String annotationSelector) {
        return new PatchTarget(group, version, kind, name, namespace, labelSelector, annotationSelector);
    }

    /** Whether {@code resource} is one this target selects. */
    public boolean matches(SelectableResource resource) {
        if (!namespace.isEmpty() && !namespacePattern.matcher(effectiveNamespace(resource,
                resource.originalNamespace())).matches()
                && !namespacePattern.matcher(effectiveNamespace(resource, resource.namespace())).matches()) {
            return false;
        }
        if (!name.isEmpty() && !namePattern.matcher(nullToEmpty(resource.originalName())).matches()
                && !namePattern.matcher(nullToEmpty(resource.name())).matches()) {
            return false;
        }
        if (!group.isEmpty() && !groupPattern.matcher(nullToEmpty(resource.group())).matches()) {
            return false;
        }
        if (!version.isEmpty() && !versionPattern.matcher(nullToEmpty(resource.version())).matches()) {
            return false;
        }
        if (!kind.isEmpty() && !kindPattern.matcher(nullToEmpty(resource.kind())).matches()) {
            return false;
        }
        return labelSelector.matches(resource.labels()) && annotationSelector.matches(resource.annotations());
    }

    /** The resources this target selects, in their order. */
    public <R extends SelectableResource> List<R> select(List<R> resources) {
        List<R> selected = new ArrayList<>();
        for (R resource : resources) {
            if (matches(resource)) {
                selected.add(resource);
            }
        }
        return selected;
    }

    /** Kustomize's rendering of a selector, as its messages show it: {@code Deployment.v1.apps/web.[noNs]:a=:l=}. */
    @Override
    public String toString() {
        return (kind.isEmpty() ? "[noKind]" : kind) + "." + (version.isEmpty() ? "[noVer]" : version) + "."
                + (group.isEmpty() ? "[noGrp]" : group) + "/" + (name.isEmpty() ? "[noName]" : name) + "."
                + (namespace.isEmpty() ? "[noNs]" : namespace) + ":a=" + annotationSelectorText + ":l="
                + labelSelectorText;
    }

    private static String effectiveNamespace(SelectableResource resource, String namespace) {
        if (resource.clusterScoped()) {
            return NO_NAMESPACE;
        }
        return namespace == null || namespace.isEmpty() ? DEFAULT_NAMESPACE : namespace;
    }

    private static Pattern anchored(String expression) {
        if (expression.isEmpty()) {
            return null;
        }
        try {
            return Pattern.compile("^(?:" + fromGoSyntax(expression) + ")$");
        } catch (PatternSyntaxException e) {
            throw new PatchException("error parsing regexp in patch target: `" + expression + "`: "
                    + e.getDescription());
        }
    }

    /** The few spellings of Go's RE2 syntax Java writes differently: named groups and ASCII classes. */
    static String fromGoSyntax(String expression) {
        for (String unsupported : List.of("(?=", "(?!", "(?<=", "(?<!", "(?>")) {
            if (expression.contains(unsupported)) {
                // Go's regexp (RE2) has no lookaround or atomic groups, so Kustomize refuses them
                throw new PatchException("error parsing regexp: invalid or unsupported Perl syntax: `" + unsupported
                        + "` in patch target `" + expression + "`");
            }
        }
        String result = expression.replace("(?P<", "(?<");
        for (String[] posix : POSIX_CLASSES) {
            result = result.replace("[:" + posix[0] + ":]", "\\p{" + posix[1] + "}");
        }
        return result;
    }

    private static final String[][] POSIX_CLASSES = {
        {"alnum", "Alnum"}, {"alpha", "Alpha"}, {"ascii", "ASCII"}, {"blank", "Blank"}, {"cntrl", "Cntrl"},
        {"digit", "Digit"}, {"graph", "Graph"}, {"lower", "Lower"}, {"print", "Print"}, {"punct", "Punct"},
        {"space", "Space"}, {"upper", "Upper"}, {"xdigit", "XDigit"},
    };

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
