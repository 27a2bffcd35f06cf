package dev.verity.kube;

import io.fabric8.kubernetes.client.Config;

import java.nio.file.Files;
import java.nio.file.Path;

/** A fabric8 client configuration from a kubeconfig file named by a service property. */
public final class Kubeconfig {

    private Kubeconfig() {
    }

    /**
     * The configuration of the file's current context (relative certificate paths resolve against the file's
     * directory).
     *
     * @param property the property that named the file, for the error ({@code verity.applier.kubeconfig})
     * @throws IllegalStateException naming the property and the path when the file is unreadable or not a kubeconfig
     */
    public static Config load(Path path, String property) {
        if (!Files.isReadable(path)) {
            throw new IllegalStateException(property + ": cannot read the kubeconfig file " + path
                    + "; point it at a readable kubeconfig or unset it");
        }
        try {
            return Config.fromKubeconfig(path.toFile());
        } catch (RuntimeException e) {
            throw new IllegalStateException(property + ": " + path + " is not a usable kubeconfig ("
                    + e.getMessage() + ")", e);
        }
    }
}
