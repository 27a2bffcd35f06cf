package dev.verity.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Every kustomization under deploy/ renders with Verity's own Kustomize engine exactly as {@code kubectl kustomize}
 * (Kustomize v5.5, the oracle) renders it, byte for byte. Skipped, saying so, without kubectl on PATH.
 */
class DeployKubectlIT {

    @BeforeAll
    static void needsKubectl() throws Exception {
        boolean present;
        try {
            present = kubectl("version", "--client").startsWith("0\n");
        } catch (IOException e) {
            present = false;
        }
        assumeTrue(present, "kubectl is not on PATH: deploy/ is not compared with kubectl kustomize");
    }

    static String kubectl(String... args) throws Exception {
        String[] command = new String[args.length + 1];
        command[0] = "kubectl";
        System.arraycopy(args, 0, command, 1, args.length);
        Process p = new ProcessBuilder(command).directory(Rendered.ROOT.toFile()).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 60 s");
        }
        return p.exitValue() + "\n" + out;
    }

    @Test
    void everyKustomizationRendersAsKubectlKustomizeDoes() throws Exception {
        assertThat(Rendered.kustomizations()).hasSizeGreaterThanOrEqualTo(10);
        for (String dir : Rendered.kustomizations()) {
            String expected = kubectl("kustomize", "deploy/" + dir);
            assertThat(expected).as("kubectl kustomize deploy/%s", dir).startsWith("0\n");
            assertThat(Rendered.build(dir).yaml()).as("deploy/%s: Verity's Kustomize against kubectl kustomize", dir)
                    .isEqualTo(expected.substring(2));
        }
    }
}
