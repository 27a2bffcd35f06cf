package dev.verity.deploy;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/** Verity's five services: the Maven module of each, and what its {@code application.properties} says. */
public enum Service {
    WEBHOOK_RECEIVER("webhook-receiver"),
    RENDERER("renderer-service"),
    APPLIER("applier-service"),
    DRIFT_MONITOR("drift-monitor"),
    NOTIFIER("notifier");

    private final String module;

    Service(String module) {
        this.module = module;
    }

    /** The Maven module, which is also the image name and the docker-compose service name. */
    public String module() {
        return module;
    }

    public Path directory(Path root) {
        return root.resolve(module);
    }

    public Path applicationProperties(Path root) {
        return directory(root).resolve("src/main/resources/application.properties");
    }

    /** The service's {@code application.properties} as Java reads it (profile keys such as {@code %test.x} included). */
    public Properties properties(Path root) {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(applicationProperties(root))) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + applicationProperties(root), e);
        }
        return p;
    }

    /** {@code quarkus.http.port} of the prod profile. */
    public int httpPort(Path root) {
        String port = properties(root).getProperty("quarkus.http.port");
        if (port == null) {
            throw new IllegalStateException(applicationProperties(root) + " sets no quarkus.http.port");
        }
        return Integer.parseInt(port.trim());
    }

    /** The repository root: the nearest directory upwards from {@code start} holding {@code pom.xml} and {@code deploy/}. */
    public static Path repositoryRoot(Path start) {
        for (Path p = start.toAbsolutePath(); p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("pom.xml")) && Files.isDirectory(p.resolve("deploy"))
                    && Files.isDirectory(p.resolve("events"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find Verity's repository root above " + start.toAbsolutePath());
    }
}
