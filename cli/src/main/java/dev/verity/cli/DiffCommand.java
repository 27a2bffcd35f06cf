package dev.verity.cli;

import dev.verity.events.AppliedObject;
import dev.verity.events.AppliedState;
import dev.verity.events.Decoded;
import dev.verity.events.DesiredState;
import dev.verity.events.EventCodec;
import dev.verity.events.EventFormatException;
import dev.verity.events.ObjectRef;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.fleet.Fleet;
import dev.verity.fleet.TopicReader;
import dev.verity.kube.Applier;
import dev.verity.kube.Kubeconfig;
import dev.verity.kube.ResourceType;
import dev.verity.kube.ResourceTypes;
import dev.verity.kube.diff.Comparison;
import dev.verity.kube.diff.DesiredObject;
import dev.verity.kube.diff.DriftComparator;
import dev.verity.kube.diff.FieldDifference;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code ./verity diff TARGET}: the target's desired state (its latest on {@code verity.desired.<cluster>}) against
 * the live objects of the cluster, on the fields Verity applies, the way the drift monitor compares them
 * ({@link DriftComparator}: with what the server stored at the last apply when the applied digest is the desired one,
 * else with the desired documents), Secrets and secret-looking values masked. Exit 0 when nothing differs, 1 when
 * something does (as {@code kubectl diff}), 2 on an error.
 */
@Command(name = "diff", description = "Desired (from Git, as rendered) against live (the cluster) on the fields Verity applies; "
        + "Secrets masked. Exit 0: no difference, 1: differences, 2: error.")
final class DiffCommand implements Callable<Integer> {

    /** One object's verdict. */
    public record ObjectDiff(String object, String state, List<FieldDifference> fields) {
    }

    @Mixin
    VerityOps.Connection connection;

    @Mixin
    VerityOps.Target target;

    @Option(names = "--kubeconfig", description = "kubeconfig of the target's cluster; default $KUBECONFIG, the local "
            + "stack's .verity/up/kubeconfig when it exists, else ~/.kube/config")
    Path kubeconfig;

    @CommandLine.ParentCommand
    VerityOps parent;

    @Override
    public Integer call() throws Exception {
        boolean json = connection.json();
        TargetKey key = target.key();
        DesiredState desired = null;
        AppliedState applied = null;
        EventCodec codec = new EventCodec();
        try (TopicReader reader = VerityOps.reader(connection)) {
            for (TopicReader.Record r : reader.readToEnd(List.of(Topics.desired(key.cluster()), Topics.applied(key.cluster())))) {
                if (!key.toString().equals(r.key())) continue;
                if (r.value() == null) {
                    if (r.topic().startsWith(Topics.DESIRED_PREFIX)) desired = null;
                    else applied = null;
                    continue;
                }
                try {
                    if (codec.read(r.value()) instanceof Decoded.Known known) {
                        if (known.envelope().event() instanceof DesiredState d) desired = d;
                        if (known.envelope().event() instanceof AppliedState a) applied = a;
                    }
                } catch (EventFormatException e) {
                    // a poison record: the services dead-letter it
                }
            }
        }
        if (desired == null) {
            throw new CliException("no desired state of " + key + " on " + connection.bootstrapServers
                    + ": check the name with ./verity status");
        }
        boolean appliedIsDesired = applied != null && applied.digest().equals(desired.digest());
        Map<ObjectRef, AppliedObject> stored = new LinkedHashMap<>();
        if (appliedIsDesired) applied.objects().forEach(o -> stored.put(o.object(), o));
        List<ObjectDiff> diffs = new ArrayList<>();
        DriftComparator comparator = new DriftComparator();
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Kubeconfig.load(kubeconfigPath(), "--kubeconfig")).build()) {
            for (DesiredObject object : DesiredObject.parseAll(desired.documents())) {
                ObjectRef ref = object.ref();
                ResourceType type = ResourceTypes.builtIn(ref.apiVersion(), ref.kind())
                        .or(() -> Applier.discover(client, ref.apiVersion(), ref.kind()))
                        .orElse(null);
                String name = Fleet.describe(ref);
                if (type == null) {
                    diffs.add(new ObjectDiff(name, "kind not served by the cluster", List.of()));
                    continue;
                }
                GenericKubernetesResource live = get(client, type, ref);
                if (live == null) {
                    diffs.add(new ObjectDiff(name, "missing from the cluster", List.of()));
                    continue;
                }
                String liveJson = new KubernetesSerialization().asJson(live);
                AppliedObject reference = stored.get(ref);
                Comparison comparison = reference != null
                        ? comparator.compareApplied(reference, liveJson, desired.policy().ignoreDifferences())
                        : comparator.compare(object, liveJson, desired.policy().ignoreDifferences());
                diffs.add(new ObjectDiff(name, comparison.matches() ? "in sync" : "differs", comparison.differences()));
            }
        } catch (KubernetesClientException e) {
            throw new CliException("cannot read the cluster of " + key + " with " + kubeconfigPath() + ": "
                    + TopicReader.rootMessage(e) + ". Pass the kubeconfig of cluster " + key.cluster() + " with --kubeconfig");
        } catch (IllegalStateException e) {
            throw new CliException(e.getMessage());
        }
        boolean differs = diffs.stream().anyMatch(d -> !d.state().equals("in sync"));
        PrintStream out = parent.out;
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("target", key.toString());
            doc.put("commit", desired.commit());
            doc.put("digest", desired.digest());
            doc.put("comparedWith", appliedIsDesired ? "what the server stored at the last apply" : "the desired documents");
            doc.put("objects", diffs);
            out.println(VerityOps.JSON.writeValueAsString(doc));
        } else {
            out.println(key.at(desired.commit()) + ": desired (" + desired.path() + ") against live"
                    + (appliedIsDesired ? "" : " (not applied at this digest yet: comparing with the desired documents)"));
            for (ObjectDiff d : diffs) {
                if (d.state().equals("in sync")) continue;
                out.println(d.object() + ": " + d.state());
                for (FieldDifference f : d.fields()) {
                    out.println("    " + f.path() + ": " + show(f.desired()) + " (desired)  →  " + show(f.live()) + " (live)");
                }
            }
            long inSync = diffs.stream().filter(d -> d.state().equals("in sync")).count();
            out.println(inSync + " of " + diffs.size() + " objects in sync" + (differs ? "" : ": no difference"));
        }
        return differs ? 1 : 0;
    }

    private static String show(String value) {
        return value == null ? "(absent)" : value;
    }

    private Path kubeconfigPath() {
        if (kubeconfig != null) return kubeconfig;
        String env = System.getenv("KUBECONFIG");
        if (env != null && !env.isBlank()) return Path.of(env.split(java.io.File.pathSeparator)[0]);
        Path local = Path.of(".verity/up/kubeconfig");
        if (Files.isReadable(local)) return local;
        return Path.of(System.getProperty("user.home"), ".kube", "config");
    }

    private static GenericKubernetesResource get(KubernetesClient client, ResourceType type, ObjectRef ref) {
        return Applier.operation(client, type, ref.namespace()).withName(ref.name()).get();
    }
}
