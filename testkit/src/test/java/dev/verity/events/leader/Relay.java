package dev.verity.events.leader;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.IntSupplier;

/**
 * A TCP relay on a local port to a local target port that can be frozen: while frozen it moves no byte in either
 * direction and keeps every connection open, as a network partition that drops packets silently looks to both ends.
 */
final class Relay implements AutoCloseable {

    private final ServerSocket server;
    private final IntSupplier targetPort;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean frozen;
    private volatile boolean closed;

    Relay(IntSupplier targetPort) {
        this.targetPort = targetPort;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the relay's port", e);
        }
        daemon(this::accept, "relay-accept");
    }

    int port() {
        return server.getLocalPort();
    }

    void freeze() {
        frozen = true;
    }

    void thaw() {
        frozen = false;
    }

    private void accept() {
        while (!closed) {
            try {
                Socket in = server.accept();
                Socket out = new Socket(InetAddress.getLoopbackAddress(), targetPort.getAsInt());
                sockets.add(in);
                sockets.add(out);
                daemon(() -> pump(in, out), "relay-up");
                daemon(() -> pump(out, in), "relay-down");
            } catch (IOException e) {
                if (!closed) sleep(10);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
            while (!closed) {
                while (frozen && !closed) sleep(10);
                int n = in.read(buffer);
                if (n < 0) break;
                while (frozen && !closed) sleep(10); // bytes read just before the freeze stay held too
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // a connection closed by either end
        } finally {
            close(from);
            close(to);
        }
    }

    @Override
    public void close() {
        closed = true;
        close(server);
        sockets.forEach(Relay::close);
    }

    private static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // closing anyway
        }
    }

    private static void daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        t.start();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
