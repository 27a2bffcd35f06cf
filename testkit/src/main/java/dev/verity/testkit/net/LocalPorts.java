package dev.verity.testkit.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Free local ports for servers a test stops and starts again on the same port (a Kafka broker, a service).
 *
 * <p>A port the kernel hands out for {@code bind(0)} comes from the ephemeral range, the same range it takes the
 * local ports of outgoing connections from. While the server is down, that port is free for any outgoing connection
 * of any process on the machine, and a client that keeps reconnecting to it (every Kafka client of a stopped broker
 * does) can even connect to itself: the kernel picks the destination port as its source port and the two ends of
 * the one socket meet (TCP simultaneous open). Either way the server cannot bind its port again when it restarts.
 * Ports here are taken below the ephemeral range ({@code /proc/sys/net/ipv4/ip_local_port_range} on Linux; IANA's
 * 49152 elsewhere), where the kernel never picks one on its own.
 */
public final class LocalPorts {

    private static final int LOWEST = 10_000;
    private static final int ATTEMPTS = 200;

    private LocalPorts() {
    }

    /** A port free now on the loopback interface, outside the ephemeral range. */
    public static int freeOutsideEphemeralRange() {
        return freeBelow(ephemeralRangeStart(Path.of("/proc/sys/net/ipv4/ip_local_port_range")));
    }

    static int freeBelow(int ephemeralStart) {
        if (ephemeralStart <= LOWEST + 100) return ephemeral(); // a range this low leaves nothing to choose from
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = ThreadLocalRandom.current().nextInt(LOWEST, ephemeralStart);
            if (free(port)) return port;
        }
        return ephemeral();
    }

    /** The first port of the ephemeral range, read from {@code rangeFile} ("low high"); 49152 without one. */
    static int ephemeralRangeStart(Path rangeFile) {
        // read as a stream: Files.readString trusts the size /proc reports and returns a truncated value
        try (java.io.BufferedReader in = Files.newBufferedReader(rangeFile)) {
            String[] bounds = in.readLine().trim().split("\\s+");
            return Integer.parseInt(bounds[0]);
        } catch (IOException | RuntimeException e) {
            return 49_152;
        }
    }

    static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(false);
            socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int ephemeral() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free local port", e);
        }
    }
}
