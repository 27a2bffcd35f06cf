package dev.verity.testkit.git;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.UploadPack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An SSH server (Apache MINA SSHD) that serves the bare repositories under a root directory to {@code git fetch}
 * over SSH, with JGit's {@link UploadPack}: the command a Git client sends, {@code git-upload-pack '/shop.git'}, runs
 * on the named repository. Only public-key authentication, for one authorised key; its own host key, which a client
 * must find in its {@code known_hosts} ({@link #knownHostsLine()}).
 *
 * <p>A test double for a forge's SSH endpoint: loopback only, fetch only ({@code git-receive-pack} is refused), any
 * user name.
 */
public final class GitSshServer implements AutoCloseable {

    private static final Pattern UPLOAD_PACK = Pattern.compile("^git[ -]upload-pack\\s+'?([^']+)'?$");

    private final SshServer server;
    private final KeyPair hostKey;
    private final Path root;
    private final AtomicInteger fetches = new AtomicInteger();

    private GitSshServer(Path root, PublicKey authorized) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        this.hostKey = newKeyPair();
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPasswordAuthenticator(null);
        server.setKeyboardInteractiveAuthenticator(null);
        server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, authorized));
        server.setCommandFactory((channel, command) -> new UploadPackCommand(command));
        server.start();
    }

    /** Starts a server for the repositories under {@code root}, letting in the holder of {@code authorized}'s private key. */
    public static GitSshServer start(Path root, PublicKey authorized) {
        try {
            return new GitSshServer(root, authorized);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A new EC P-256 key pair, as {@code ssh-keygen -t ecdsa} makes. */
    public static KeyPair newKeyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(256);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes {@code keyPair}'s private key to {@code file} in OpenSSH format, readable by its owner only. */
    public static Path writePrivateKey(KeyPair keyPair, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            try (OutputStream out = Files.newOutputStream(file)) {
                OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(keyPair, "verity-test", null, out);
            }
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: nothing to restrict
            }
            return file;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the private key to " + file + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** {@code ssh://git@127.0.0.1:<port>/<path>}, e.g. {@code url("shop.git")}. */
    public String url(String repositoryPath) {
        return "ssh://git@127.0.0.1:" + port() + "/" + repositoryPath;
    }

    /** The {@code known_hosts} line that trusts this server's host key. */
    public String knownHostsLine() {
        return "[127.0.0.1]:" + port() + " " + PublicKeyEntry.toString(hostKey.getPublic());
    }

    /** How many fetches were served. */
    public int fetches() {
        return fetches.get();
    }

    @Override
    public void close() {
        try {
            server.stop(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private final class UploadPackCommand implements Command {
        private final String command;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;
        private Thread thread;

        UploadPackCommand(String command) {
            this.command = command;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback callback) {
            this.exit = callback;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            thread = new Thread(this::run, "git-ssh-upload-pack");
            thread.setDaemon(true);
            thread.start();
        }

        private void run() {
            Matcher m = UPLOAD_PACK.matcher(command.trim());
            if (!m.matches()) {
                fail("only git-upload-pack is served here, not: " + command);
                return;
            }
            Path dir = root.resolve(m.group(1).replaceAll("^/+", "")).normalize();
            if (!dir.startsWith(root) || !Files.exists(dir.resolve("HEAD"))) {
                fail("'" + m.group(1) + "' does not appear to be a git repository");
                return;
            }
            try (Repository repository = new FileRepositoryBuilder().setGitDir(dir.toFile()).setBare().setMustExist(true).build()) {
                new UploadPack(repository).upload(in, out, err);
                out.flush();
                fetches.incrementAndGet();
                exit.onExit(0);
            } catch (IOException e) {
                fail(e.getMessage());
            }
        }

        private void fail(String message) {
            try {
                err.write(("fatal: " + message + "\n").getBytes(StandardCharsets.UTF_8));
                err.flush();
            } catch (IOException ignored) {
                // the client is gone
            }
            exit.onExit(128, message);
        }

        @Override
        public void destroy(ChannelSession channel) {
            if (thread != null) thread.interrupt();
        }
    }
}
