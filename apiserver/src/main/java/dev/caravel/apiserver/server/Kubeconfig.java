package dev.caravel.apiserver.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A kubeconfig for a Caravel server: one cluster at its plain-HTTP URL, one context, and a user
 * with a placeholder token (kubectl wants a user entry; there is no authentication until TLS and
 * authentication are built, and kubectl sends a bearer token over http:// without complaint).
 */
public final class Kubeconfig {

    public static final String NAME = "caravel";

    private Kubeconfig() {}

    public static String render(String serverUrl) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: %1$s
                  cluster:
                    server: %2$s
                contexts:
                - name: %1$s
                  context:
                    cluster: %1$s
                    user: %1$s
                    namespace: default
                current-context: %1$s
                users:
                - name: %1$s
                  user:
                    token: caravel-no-auth
                preferences: {}
                """.formatted(NAME, serverUrl);
    }

    /** Writes the kubeconfig atomically, readable by its owner only. */
    public static Path write(Path file, String serverUrl) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        Path temp = Files.createTempFile(parent, "kubeconfig", ".tmp");
        Files.writeString(temp, render(serverUrl), StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException ignored) {
            // Not a POSIX file system: the platform's defaults apply.
        }
        return Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
