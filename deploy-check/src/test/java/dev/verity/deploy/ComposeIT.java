package dev.verity.deploy;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * docker-compose.yml validated by the docker-compose binary itself ({@code docker-compose config}, which needs no
 * engine). Skipped, saying so, where docker-compose is not installed (Debian: {@code apt-get install docker-compose}).
 */
class ComposeIT {

    static final Path ROOT = Service.repositoryRoot(Path.of(""));

    record Run(int exit, String output) {
    }

    @BeforeAll
    static void needsDockerCompose() throws Exception {
        boolean present;
        try {
            present = run(List.of("docker-compose", "version")).exit() == 0;
        } catch (IOException e) {
            present = false;
        }
        assumeTrue(present, "docker-compose is not on PATH: docker-compose.yml is not validated"
                + " (install it, e.g. apt-get install docker-compose, to run this check)");
    }

    static Run run(List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("VERITY_")); // only the env file given counts
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(command + " did not finish in 60 s");
        }
        return new Run(p.exitValue(), output);
    }

    @Test
    void validatesWithTheExampleEnvFile() throws Exception {
        Run config = run(List.of("docker-compose", "--env-file", ".env.example", "-f", "docker-compose.yml", "config"));

        assertThat(config.exit()).as(config.output()).isZero();
        assertThat(config.output()).contains("condition: service_completed_successfully")
                .contains("VERITY_RECEIVER_REPOSITORIES_GITOPS_URL: https://github.com/acme/gitops.git");
        List<String> services = new ArrayList<>(List.of("kafka", "topics"));
        for (Service s : Service.values()) services.add(s.module());
        Run list = run(List.of("docker-compose", "--env-file", ".env.example", "-f", "docker-compose.yml", "config", "--services"));
        assertThat(list.output().lines().toList()).containsExactlyInAnyOrderElementsOf(services);
    }

    @Test
    void refusesToStartWithoutTheSecretsNamingWhatToSet(@TempDir Path tmp) throws Exception {
        Path empty = Files.writeString(tmp.resolve("empty.env"), "");

        Run config = run(List.of("docker-compose", "--env-file", empty.toString(), "-f", "docker-compose.yml", "config"));

        assertThat(config.exit()).isNotZero();
        assertThat(config.output()).contains("set VERITY_").contains(".env");
    }
}
