package dev.verity.kube;

import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one reader of desired-state YAML, for the applier ({@link Manifests}) and the drift monitor
 * ({@link dev.verity.kube.diff.DesiredObject}): the YAML 1.2 core schema, as Kustomize writes it, so {@code yes},
 * {@code on} and timestamps stay strings; duplicate keys are an error.
 */
public final class DesiredYaml {

    private DesiredYaml() {
    }

    /**
     * Every YAML document of {@code yaml} as plain Java values (maps keep their key order); an empty document is
     * {@code null}.
     *
     * @throws InvalidYaml when the text is not valid YAML; its message never quotes the text (it may be a Secret)
     */
    public static List<Object> loadAll(String yaml) {
        Load load = new Load(LoadSettings.builder().setAllowDuplicateKeys(false).setLabel("document").build());
        List<Object> objects = new ArrayList<>();
        try {
            for (Object o : load.loadAllFromString(yaml == null ? "" : yaml)) objects.add(o);
        } catch (YamlEngineException e) {
            throw InvalidYaml.of(e);
        }
        return objects;
    }

    /**
     * Text that is not valid YAML. The message is the parser's problem and position, never the snippet of the
     * document the parser would quote; the parser's exception is deliberately not kept as the cause, since it does.
     */
    public static final class InvalidYaml extends IllegalArgumentException {

        private final int line;

        private InvalidYaml(String message, int line) {
            super(message);
            this.line = line;
        }

        private static InvalidYaml of(YamlEngineException e) {
            if (e instanceof MarkedYamlEngineException marked) {
                Optional<Mark> mark = marked.getProblemMark().or(marked::getContextMark);
                String where = mark.map(m -> " at line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1)).orElse("");
                String problem = marked.getProblem() != null ? marked.getProblem() : marked.getContext();
                return new InvalidYaml(problem + where, mark.map(m -> m.getLine() + 1).orElse(-1));
            }
            return new InvalidYaml(e.getClass().getSimpleName(), -1);
        }

        /** The 1-based line of the problem, or -1 when the parser gave none. */
        public int line() {
            return line;
        }
    }
}
