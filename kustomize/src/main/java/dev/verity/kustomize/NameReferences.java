package dev.verity.kustomize;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.Node;
import dev.verity.kustomize.yaml.ScalarNode;
import dev.verity.kustomize.yaml.SeqNode;

/**
 * After every rename (prefix, suffix, namespace, hash), points references at the new names: a field listed in the
 * built-in nameReference specs that holds a name some resource of the referenced kind had before is set to that
 * resource's current name (and, for name/namespace pairs such as RBAC subjects, its namespace).
 */
final class NameReferences {

    private NameReferences() {
    }

    private record Job(BuiltinConfig.NameBackReference target, FieldSpec field) {
    }

    static void fix(List<Resource> resources, Deadline deadline) {
        Map<Resource, List<Job>> jobs = new LinkedHashMap<>();
        for (BuiltinConfig.NameBackReference target : BuiltinConfig.NAME_REFERENCES) {
            for (FieldSpec field : target.referrers()) {
                for (Resource resource : resources) {
                    if (resource.originalId().selectedBy(field.group(), field.version(), field.kind())
                            && field.existsIn(resource.body)) {
                        jobs.computeIfAbsent(resource, r -> new ArrayList<>()).add(new Job(target, field));
                    }
                }
            }
        }
        for (Map.Entry<Resource, List<Job>> entry : jobs.entrySet()) {
            deadline.check("updating name references");
            Resource referrer = entry.getKey();
            List<Resource> candidates = couldBeReferencedBy(referrer, resources);
            for (Job job : entry.getValue()) {
                ResourceId referrerId = referrer.id();
                FieldSpec gvkFree = new FieldSpec("", "", "", job.field().path(), false);
                gvkFree.apply(referrer.body, () -> null, node -> set(node, referrer, referrerId, job, candidates));
            }
        }
    }

    private static Node set(Node node, Resource referrer, ResourceId referrerId, Job job, List<Resource> candidates) {
        if (node instanceof ScalarNode scalar) {
            return scalar.isNull() ? node : setScalar(scalar, referrer, referrerId, job, candidates);
        }
        if (node instanceof MapNode map) {
            setMapping(map, referrer, referrerId, job, candidates);
            return map;
        }
        SeqNode seq = (SeqNode) node;
        for (int i = 0; i < seq.size(); i++) {
            Node item = seq.get(i);
            if (item instanceof ScalarNode scalar && !scalar.isNull()) {
                seq.items().set(i, setScalar(scalar, referrer, referrerId, job, candidates));
            } else if (item instanceof MapNode map) {
                setMapping(map, referrer, referrerId, job, candidates);
            }
        }
        return seq;
    }

    private static Node setScalar(ScalarNode scalar, Resource referrer, ResourceId referrerId, Job job,
            List<Resource> candidates) {
        Resource referral = select(scalar.value(), candidates, referrer, referrerId, job, false);
        if (referral == null || referral.name().equals(scalar.value())) {
            return scalar;
        }
        return ScalarNode.str(referral.name());
    }

    private static void setMapping(MapNode map, Resource referrer, ResourceId referrerId, Job job,
            List<Resource> candidates) {
        if (!map.has("name")) {
            throw new KustomizeException("updating name reference in '" + job.field().path() + "' field of '"
                    + referrerId + "': path config error; no 'name' field in node");
        }
        List<Resource> pool = candidates;
        Node namespaceNode = map.get("namespace");
        if (namespaceNode instanceof ScalarNode ns) {
            String namespace = ns.isNull() ? "" : ns.value();
            List<Resource> byOriginal = candidates.stream()
                    .filter(r -> r.originalId().namespace().equals(namespace)).toList();
            pool = !byOriginal.isEmpty() ? byOriginal
                    : candidates.stream().filter(r -> r.namespace().equals(namespace)).toList();
        }
        String oldName = map.get("name") instanceof ScalarNode n && !n.isNull() ? n.value() : "";
        Resource referral = select(oldName, pool, referrer, referrerId, job, true);
        if (referral == null) {
            return;
        }
        if (referral.name().equals(oldName) && referral.namespace().isEmpty()) {
            return;
        }
        map.put("name", ScalarNode.str(referral.name()));
        if (!referral.namespace().isEmpty()) {
            map.put("namespace", ScalarNode.str(referral.namespace()));
        }
    }

    private static Resource select(String oldName, List<Resource> candidates, Resource referrer,
            ResourceId referrerId, Job job, boolean compareNamespaces) {
        BuiltinConfig.NameBackReference target = job.target();
        List<Resource> pool = sieve(candidates, r -> r.previousIds.stream().anyMatch(id -> id.name().equals(oldName)));
        pool = sieve(pool, r -> r.previousIds.stream()
                .anyMatch(id -> id.selectedBy(target.group(), target.version(), target.kind())));
        if (job.field().path().endsWith("roleRef/name")) {
            MapNode roleRef = referrer.body.map("roleRef");
            if (roleRef != null && roleRef.string("apiGroup") != null && roleRef.string("kind") != null) {
                String group = roleRef.string("apiGroup");
                String kind = roleRef.string("kind");
                pool = sieve(pool, r -> r.previousIds.stream().anyMatch(id -> id.selectedBy(group, "", kind)));
            }
        }
        if (!referrerId.clusterScoped()) {
            pool = sieve(pool, r -> r.id().clusterScoped() || r.kind().equals("ServiceAccount")
                    || r.id().effectiveNamespace().equals(referrerId.effectiveNamespace()));
        }
        if (pool.size() == 1) {
            return pool.get(0);
        }
        pool = sieve(pool, r -> affixesMatch(r, referrer, true));
        if (pool.size() > 1) {
            pool = sieve(pool, r -> affixesMatch(r, referrer, false));
        }
        if (pool.size() == 1) {
            return pool.get(0);
        }
        if (pool.isEmpty()) {
            return null;
        }
        Resource first = pool.get(0);
        boolean identical = pool.stream().allMatch(r -> r.name().equals(first.name())
                && (!compareNamespaces || r.namespace().equals(first.namespace())));
        if (identical) {
            return first;
        }
        throw new KustomizeException("found multiple possible referrals for the name '" + oldName + "' in '"
                + job.field().path() + "' of " + referrerId + ": "
                + String.join(", ", pool.stream().map(r -> r.id().toString()).toList()));
    }

    private static List<Resource> sieve(List<Resource> list, Predicate<Resource> keep) {
        List<Resource> result = new ArrayList<>();
        for (Resource r : list) {
            if (keep.test(r)) {
                result.add(r);
            }
        }
        return result;
    }

    private static boolean affixesMatch(Resource a, Resource b, boolean allowEmpty) {
        if (allowEmpty) {
            boolean eitherPrefixEmpty = a.prefixes.isEmpty() || b.prefixes.isEmpty();
            boolean eitherSuffixEmpty = a.suffixes.isEmpty() || b.suffixes.isEmpty();
            return (eitherPrefixEmpty || sameEnding(a.prefixes, b.prefixes))
                    && (eitherSuffixEmpty || sameEnding(a.suffixes, b.suffixes));
        }
        return sameEnding(a.prefixes, b.prefixes) && sameEnding(a.suffixes, b.suffixes);
    }

    /** Whether the shorter list is the tail of the longer one (two empty lists match). */
    private static boolean sameEnding(List<String> a, List<String> b) {
        List<String> shorter = a.size() <= b.size() ? a : b;
        List<String> longer = a.size() <= b.size() ? b : a;
        if (shorter.isEmpty()) {
            return longer.isEmpty();
        }
        int diff = longer.size() - shorter.size();
        for (int i = 0; i < shorter.size(); i++) {
            if (!longer.get(i + diff).equals(shorter.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The resources a referrer may name: same namespace, cluster-scoped, or a RoleBinding's subject namespaces. */
    private static List<Resource> couldBeReferencedBy(Resource referrer, List<Resource> resources) {
        ResourceId referrerId = referrer.id();
        if (referrerId.clusterScoped()) {
            return resources;
        }
        Set<String> subjectNamespaces = new HashSet<>();
        if (referrer.kind().equals("RoleBinding") && referrer.body.seq("subjects") != null) {
            for (Node subject : referrer.body.seq("subjects").items()) {
                if (subject instanceof MapNode s && "ServiceAccount".equals(s.string("kind")) && s.has("namespace")) {
                    if (!(s.get("namespace") instanceof ScalarNode ns && ns.tag() == ScalarNode.Tag.STR)) {
                        // Kustomize's words; a subject's `namespace:` written with no value (or not a string)
                        throw new KustomizeException("Invalid Input: namespace is blank for resource \"" + referrer.id()
                                + "\" (a ServiceAccount subject of this RoleBinding has a namespace: field with no"
                                + " string value; give the namespace or remove the field)");
                    }
                    subjectNamespaces.add(ns.value());
                }
            }
        }
        List<Resource> result = new ArrayList<>();
        for (Resource candidate : resources) {
            ResourceId id = candidate.id();
            if (id.clusterScoped() || id.effectiveNamespace().equals(referrerId.effectiveNamespace())
                    || subjectNamespaces.contains(id.namespace())) {
                result.add(candidate);
            }
        }
        return result;
    }
}
