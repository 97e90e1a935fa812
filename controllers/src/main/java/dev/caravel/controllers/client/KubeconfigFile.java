package dev.caravel.controllers.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.caravel.tls.Pem;
import dev.caravel.tls.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * Reads a kubeconfig file as kubectl does, so a controller can run against any cluster: the context
 * (the current one unless named), its cluster's server, CA ({@code certificate-authority-data} or a
 * {@code certificate-authority} file, relative to the kubeconfig's directory) or
 * {@code insecure-skip-tls-verify}, and its user's bearer token ({@code token} or
 * {@code tokenFile}) or client certificate and key (inline {@code -data} or files). Exec and
 * auth-provider plugins are refused with a clear error: they run programs the file names.
 */
public final class KubeconfigFile {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private KubeconfigFile() {
    }

    /** The file kubectl would read: the first of {@code $KUBECONFIG}, else {@code ~/.kube/config}. */
    public static Path defaultPath() {
        String env = System.getenv("KUBECONFIG");
        if (env != null && !env.isBlank()) {
            return Path.of(env.split(java.io.File.pathSeparator)[0]);
        }
        return Path.of(System.getProperty("user.home"), ".kube", "config");
    }

    /**
     * The client configuration of {@code context} in {@code file} (null: its current-context).
     *
     * @throws IllegalArgumentException naming the file and the entry when the file is not a usable kubeconfig
     */
    public static ApiClient.Config read(Path file, String context) throws IOException {
        JsonNode root = YAML.readTree(Files.readString(file, StandardCharsets.UTF_8));
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(file + ": not a kubeconfig (no YAML mapping)");
        }
        String contextName = context != null ? context : root.path("current-context").asText("");
        if (contextName.isEmpty()) {
            throw new IllegalArgumentException(file + ": no current-context, and no context was named");
        }
        JsonNode ctx = named(root, "contexts", contextName, "context")
                .orElseThrow(() -> new IllegalArgumentException(file + ": context \"" + contextName + "\" not found"));
        String clusterName = ctx.path("cluster").asText("");
        JsonNode cluster = named(root, "clusters", clusterName, "cluster")
                .orElseThrow(() -> new IllegalArgumentException(file + ": cluster \"" + clusterName + "\" of context \""
                        + contextName + "\" not found"));
        String userName = ctx.path("user").asText("");
        JsonNode user = userName.isEmpty() ? YAML.createObjectNode() : named(root, "users", userName, "user")
                .orElseThrow(() -> new IllegalArgumentException(file + ": user \"" + userName + "\" of context \""
                        + contextName + "\" not found"));
        if (user.has("exec") || user.has("auth-provider")) {
            throw new IllegalArgumentException(file + ": user \"" + userName
                    + "\" authenticates with an exec or auth-provider plugin, which Caravel does not run; use a token or a client certificate");
        }

        String server = cluster.path("server").asText("");
        if (server.isEmpty()) {
            throw new IllegalArgumentException(file + ": cluster \"" + clusterName + "\" has no server");
        }
        Path base = file.toAbsolutePath().getParent();
        String token = user.hasNonNull("token") ? user.get("token").asText()
                : user.hasNonNull("tokenFile") ? Files.readString(base.resolve(user.get("tokenFile").asText())).trim() : null;

        SSLContext tls = null;
        if (server.startsWith("https:")) {
            PrivateKey clientKey = null;
            List<X509Certificate> clientChain = null;
            Optional<String> clientCert = material(user, "client-certificate", base);
            Optional<String> clientKeyPem = material(user, "client-key", base);
            if (clientCert.isPresent() != clientKeyPem.isPresent()) {
                throw new IllegalArgumentException(file + ": user \"" + userName + "\" has a client certificate without its key, or a key without its certificate");
            }
            if (clientCert.isPresent()) {
                clientChain = Pem.certificates(clientCert.get());
                clientKey = Pem.privateKey(clientKeyPem.get());
            }
            if (cluster.path("insecure-skip-tls-verify").asBoolean(false)) {
                tls = TlsContexts.trustingAnyServer(clientKey, clientChain);
            } else {
                Optional<String> ca = material(cluster, "certificate-authority", base);
                tls = TlsContexts.client(ca.map(Pem::certificates).orElse(null), clientKey, clientChain);
            }
        }
        return new ApiClient.Config(URI.create(server), token, tls, null);
    }

    /** The entry {@code name} of a list of {@code {name, <field>}} (contexts, clusters, users). */
    private static Optional<JsonNode> named(JsonNode root, String list, String name, String field) {
        for (JsonNode entry : root.path(list)) {
            if (name.equals(entry.path("name").asText())) {
                return Optional.of(entry.path(field));
            }
        }
        return Optional.empty();
    }

    /** PEM text from {@code <key>-data} (base64) or the file {@code <key>} names. */
    private static Optional<String> material(JsonNode node, String key, Path base) throws IOException {
        if (node.hasNonNull(key + "-data")) {
            return Optional.of(new String(Base64.getMimeDecoder().decode(node.get(key + "-data").asText()), StandardCharsets.US_ASCII));
        }
        if (node.hasNonNull(key)) {
            return Optional.of(Files.readString(base.resolve(node.get(key).asText()), StandardCharsets.US_ASCII));
        }
        return Optional.empty();
    }
}
