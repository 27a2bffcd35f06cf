package dev.verity.kustomize;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.YamlReader;

/**
 * Figures, not assertions on time: the warm render time per conformance case and how many outputs are
 * byte-identical to kubectl's (the contract compares parsed documents; bytes are a stricter figure).
 */
class ConformanceFiguresTest {

    @Test
    void printsWarmRenderTimesAndByteIdenticalOutputs() throws IOException {
        List<Path> built = new ArrayList<>();
        List<String> identical = new ArrayList<>();
        List<String> different = new ArrayList<>();
        for (Path dir : KustomizeConformanceTest.cases()) {
            String name = dir.getFileName().toString();
            MapNode spec = (MapNode) YamlReader.readOne(Files.readString(dir.resolve("case.yaml")), "case.yaml");
            if ("error".equals(spec.string("expect"))) {
                continue;
            }
            String target = dir.resolve("input").resolve(spec.string("root")).normalize().toAbsolutePath().toString();
            String output = Kustomizer.onDisk().build(target).yaml();
            String expected = new String(Files.readAllBytes(dir.resolve("expected.yaml")), StandardCharsets.UTF_8);
            (output.equals(expected) ? identical : different).add(name);
            built.add(Path.of(target));
        }
        Kustomizer kustomizer = Kustomizer.onDisk();
        for (int warmup = 0; warmup < 20; warmup++) {
            for (Path target : built) {
                kustomizer.build(target.toString());
            }
        }
        int rounds = 50;
        long start = System.nanoTime();
        for (int round = 0; round < rounds; round++) {
            for (Path target : built) {
                kustomizer.build(target.toString()).yaml();
            }
        }
        double perRenderMs = (System.nanoTime() - start) / 1e6 / (rounds * built.size());
        System.out.printf("{\"cases\":%d,\"byteIdentical\":%d,\"warmMsPerRender\":%.3f}%n", built.size(),
                identical.size(), perRenderMs);
        System.out.println("byte-identical: " + identical);
        System.out.println("same documents, different bytes: " + different);
        assertThat(built).isNotEmpty();
    }
}
