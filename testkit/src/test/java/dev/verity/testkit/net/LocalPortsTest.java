package dev.verity.testkit.net;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class LocalPortsTest {

    @Test
    void aPortIsTakenBelowTheEphemeralRangeAndIsFree() throws Exception {
        int start = LocalPorts.ephemeralRangeStart(Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
        for (int i = 0; i < 20; i++) {
            int port = LocalPorts.freeOutsideEphemeralRange();
            assertThat(port).isBetween(10_000, start - 1);
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port)); // free: binds
            }
        }
    }

    @Test
    void aPortInUseIsNotFree() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            assertThat(LocalPorts.free(taken.getLocalPort())).isFalse();
        }
    }

    @Test
    void theRangeIsReadFromTheKernelsFileOrDefaultsToIanas(@TempDir Path dir) throws Exception {
        Path range = dir.resolve("ip_local_port_range");
        Files.writeString(range, "40000\t60999\n");
        assertThat(LocalPorts.ephemeralRangeStart(range)).isEqualTo(40_000);
        assertThat(LocalPorts.ephemeralRangeStart(dir.resolve("missing"))).isEqualTo(49_152);
        Files.writeString(range, "garbage");
        assertThat(LocalPorts.ephemeralRangeStart(range)).isEqualTo(49_152);
    }

    @Test
    void aRangeStartingTooLowFallsBackToAnyFreePort() {
        assertThat(LocalPorts.freeBelow(1_024)).isPositive();
    }
}
