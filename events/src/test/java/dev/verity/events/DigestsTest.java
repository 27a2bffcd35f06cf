package dev.verity.events;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class DigestsTest {

    @Test
    void hexIsTheSha256OfThePartsEachEndedByANulByte() {
        // expected values from Python's hashlib.sha256(b"abc\0") and (b"a\0bc\0")
        assertThat(Digests.hex("abc")).isEqualTo("dc1114cd074914bd872cc1f9a23ec910ea2203bc79779ab2e17da25782a624fc");
        assertThat(Digests.hex("a", "bc")).isEqualTo("aa795aa4bbb6117911ef062e271bcb05ccfd58ea439da7d46a44e3a3fcefa790");
        assertThat(Digests.hex("ab", "c")).isNotEqualTo(Digests.hex("a", "bc"));
    }

    @Test
    void documentsAreDigestedEachEndedByASeparator() {
        // hashlib.sha256(b"doc\n---\n")
        assertThat(Digests.ofDocuments(List.of("doc")))
                .isEqualTo("sha256:7dee84d375e565607e88d6759d687cacca4be1aaed62b908d6def637d5730aec");
    }

    @Test
    void digestsOnManyThreadsAtOnceDoNotMixTheirInputs() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = IntStream.range(0, 64).mapToObj(i -> pool.submit(() -> {
                String expected = Digests.hex("part", Integer.toString(i));
                for (int n = 0; n < 500; n++) {
                    if (!Digests.hex("part", Integer.toString(i)).equals(expected)) return false;
                }
                return true;
            })).toList();
            for (Future<Boolean> result : results) assertThat(result.get()).isTrue();
            assertThat(Digests.hex("part", "1")).isNotEqualTo(Digests.hex("part", "2"));
        } finally {
            pool.shutdownNow();
        }
    }
}
