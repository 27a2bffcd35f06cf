package dev.verity.kustomize.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The render command's arguments and its outcome in process (the child-JVM runs are in {@link RenderCommandIT}). */
class RenderCommandTest {

    @Test
    void noDirectoryMeansTheCurrentOne() {
        assertThat(RenderCommand.Arguments.parse(List.of()).directory()).isEqualTo(".");
    }

    @Test
    void takesOneDirectoryAndADeadline() {
        RenderCommand.Arguments arguments = RenderCommand.Arguments.parse(List.of("--deadline", "2.5", "overlays/prod"));
        assertThat(arguments.directory()).isEqualTo("overlays/prod");
        assertThat(arguments.deadline()).isEqualTo(Duration.ofMillis(2500));
        assertThat(RenderCommand.Arguments.parse(List.of("--", "-odd-name")).directory()).isEqualTo("-odd-name");
    }

    @Test
    void rejectsTwoDirectoriesUnknownOptionsAndBadDeadlines() {
        assertThatThrownBy(() -> RenderCommand.Arguments.parse(List.of("a", "b"))).hasMessageContaining("one directory only");
        assertThatThrownBy(() -> RenderCommand.Arguments.parse(List.of("-o", "yaml"))).hasMessageContaining("unknown option '-o'");
        assertThatThrownBy(() -> RenderCommand.Arguments.parse(List.of("--deadline", "soon")))
                .hasMessageContaining("positive number of seconds, got 'soon'");
        assertThatThrownBy(() -> RenderCommand.Arguments.parse(List.of("--deadline"))).hasMessageContaining("needs");
    }

    @Test
    void printsTheBuildAndExitsZero() throws Exception {
        Path dir = Files.createTempDirectory("render");
        Files.writeString(dir.resolve("kustomization.yaml"), "namePrefix: p-\nresources: [cm.yaml]\n");
        Files.writeString(dir.resolve("cm.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\ndata: {a: '1'}\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RenderCommand.run(new String[] {dir.toString()}, out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).isEmpty();
        assertThat(out.toString(StandardCharsets.UTF_8))
                .isEqualTo("apiVersion: v1\ndata:\n  a: \"1\"\nkind: ConfigMap\nmetadata:\n  name: p-c\n");
    }

    @Test
    void aFailedBuildGoesToStderrWithExitCodeOne() throws Exception {
        Path dir = Files.createTempDirectory("render");
        Files.writeString(dir.resolve("kustomization.yaml"), "resources: [missing.yaml]\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = RenderCommand.run(new String[] {dir.toString()}, out, new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(1);
        assertThat(out.size()).isZero();
        assertThat(err.toString(StandardCharsets.UTF_8)).startsWith("error: ").contains("missing.yaml");
    }
}
