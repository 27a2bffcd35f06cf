package dev.verity.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The images, as far as they can be checked without a Docker engine: each service's Dockerfile.jvm copies only what
 * {@code package} produced (this module comes after the services in the reactor, so in {@code verify} they are
 * packaged), exposes and health-checks the port the service listens on, runs as a non-root user, and
 * {@code deploy/build-images.sh} runs one {@code docker build} per service with the right file and context.
 */
class ImagesIT {

    static final Path ROOT = Service.repositoryRoot(Path.of(""));

    static Dockerfile dockerfile(Service s) {
        return Dockerfile.read(s.directory(ROOT).resolve("src/main/docker/Dockerfile.jvm"));
    }

    @Test
    void everyPathADockerfileCopiesExistsAfterPackage() throws IOException {
        for (Service s : Service.values()) {
            Path context = s.directory(ROOT);
            assertThat(context.resolve("target/quarkus-app/quarkus-run.jar"))
                    .as("%s is not packaged: run ./mvnw package -pl %s -am first", s.module(), s.module()).isRegularFile();
            List<String> sources = dockerfile(s).contextSources();
            assertThat(sources).as("%s copies the four Quarkus fast-jar parts", s.module()).containsExactly(
                    "target/quarkus-app/lib/", "target/quarkus-app/*.jar", "target/quarkus-app/app/", "target/quarkus-app/quarkus/");
            for (String source : sources) {
                assertThat(matches(context, source)).as("%s: COPY %s matches nothing in %s", s.module(), source, context)
                        .isNotEmpty();
            }
            assertThat(matches(context, "target/quarkus-app/*.jar")).extracting(p -> p.getFileName().toString())
                    .contains("quarkus-run.jar");
        }
    }

    @Test
    void eachImageExposesAndHealthChecksThePortItsServiceListensOn() {
        for (Service s : Service.values()) {
            Dockerfile d = dockerfile(s);
            int port = s.httpPort(ROOT);
            assertThat(d.all("EXPOSE")).as("%s EXPOSE", s.module()).singleElement()
                    .extracting(Dockerfile.Instruction::arguments).isEqualTo(String.valueOf(port));
            assertThat(d.all("HEALTHCHECK")).as("%s HEALTHCHECK", s.module()).singleElement()
                    .extracting(Dockerfile.Instruction::arguments).asString()
                    .contains("/dev/tcp/127.0.0.1/" + port).contains("/q/health/live");
        }
    }

    @Test
    void eachImageRunsTheFastJarAsANonRootUser() {
        for (Service s : Service.values()) {
            Dockerfile d = dockerfile(s);
            List<Dockerfile.Instruction> users = d.all("USER");
            assertThat(users).as("%s USER", s.module()).isNotEmpty();
            String user = users.get(users.size() - 1).arguments();
            assertThat(user).as("%s runs as", s.module()).isNotIn("0", "root").matches("\\d+");
            assertThat(d.all("ENTRYPOINT")).singleElement().extracting(Dockerfile.Instruction::arguments).asString()
                    .contains("-jar /deployments/quarkus-run.jar");
            assertThat(d.all("FROM").get(d.all("FROM").size() - 1).arguments()).isEqualTo("eclipse-temurin:17-jre");
        }
    }

    @Test
    void everyNamedVolumeDockerComposeMountsIsADirectoryTheImageGivesToItsUser() {
        Compose compose = Compose.read(ROOT);
        for (Service s : Service.values()) {
            List<String> volumes = compose.list(s.module(), "volumes");
            if (volumes == null) continue;
            String run = String.join(" ", dockerfile(s).all("RUN").stream().map(Dockerfile.Instruction::arguments).toList());
            for (String volume : volumes) {
                if (volume.startsWith("$") || volume.startsWith(".") || volume.startsWith("/")) continue; // a host path
                String path = volume.split(":")[1];
                assertThat(run).as("%s: the named volume at %s is created as uid 185's", s.module(), path)
                        .contains("mkdir -p " + path).contains("chown 185:185 " + path);
            }
        }
    }

    @Test
    void theBuildScriptBuildsEveryServiceFromItsModuleDirectory(@TempDir Path tmp) throws Exception {
        Path log = tmp.resolve("docker.log");
        Path docker = tmp.resolve("docker");
        Files.writeString(docker, "#!/bin/sh\necho \"$*\" >> '" + log + "'\n");
        Files.setPosixFilePermissions(docker, PosixFilePermissions.fromString("rwxr-xr-x"));

        ProcessBuilder pb = new ProcessBuilder(ROOT.resolve("deploy/build-images.sh").toString(), "--skip-package",
                "--registry", "registry.example/verity", "--tag", "1.2.3").redirectErrorStream(true);
        pb.environment().put("DOCKER", docker.toString());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

        assertThat(p.exitValue()).as(output).isZero();
        assertThat(Files.readAllLines(log)).containsExactly(Stream.of(Service.values())
                .map(s -> "build -f " + s.module() + "/src/main/docker/Dockerfile.jvm -t registry.example/verity/"
                        + s.module() + ":1.2.3 " + s.module())
                .toArray(String[]::new));
    }

    static List<Path> matches(Path context, String source) throws IOException {
        String pattern = source.endsWith("/") ? source.substring(0, source.length() - 1) : source;
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        try (Stream<Path> files = Files.walk(context.resolve("target"), 3)) {
            return files.filter(p -> matcher.matches(context.relativize(p)))
                    .filter(p -> !source.endsWith("/") || Files.isDirectory(p)).toList();
        }
    }
}
