package dev.verity.e2e;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The proof that the whole chain needs neither kubectl nor kustomize: the e2e tests run (failsafe, e2e/pom.xml) with
 * PATH set to the JDK's bin only, and this test fails if either could still be found there, or if the services the
 * tests start could find them (they inherit this PATH).
 */
class NoKubectlOnPathIT {

    @Test
    void kubectlAndKustomizeAreNotOnThePathTheE2eTestsRunWith() {
        assumeTrue("true".equals(System.getenv("VERITY_PATH_WITHOUT_KUBECTL")) || "true".equals(System.getenv("CI")),
                "run by failsafe (which hides kubectl from PATH) or in CI");
        String path = System.getenv("PATH");
        List<Path> found = Arrays.stream(path == null ? new String[0] : path.split(File.pathSeparator))
                .filter(d -> !d.isBlank())
                .flatMap(d -> List.of(Path.of(d, "kubectl"), Path.of(d, "kustomize")).stream())
                .filter(Files::isExecutable)
                .toList();
        assertThat(found).as("kubectl/kustomize reachable on PATH %s", path).isEmpty();
    }
}
