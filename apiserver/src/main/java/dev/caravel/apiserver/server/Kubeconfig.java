package dev.caravel.apiserver.server;

import dev.caravel.apiserver.auth.PrivateFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

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
        return PrivateFiles.write(file, render(serverUrl), StandardCharsets.UTF_8);
    }
}
