package dev.caravel.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.caravel.audit.writer.WebhookBackend;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Base64;

/**
 * Reads --audit-webhook-config-file, a kubeconfig as kube-apiserver takes it: the current context's
 * cluster (else the first) gives the URL ({@code server}) and the CA to trust
 * ({@code certificate-authority} or {@code certificate-authority-data}); its user may give a
 * bearer token ({@code token} or {@code tokenFile}). Client certificates are not supported yet and
 * are refused by name rather than ignored: a webhook that expects them would reject every batch.
 */
public final class WebhookKubeconfig {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private WebhookKubeconfig() {
    }

    /**
     * @throws IllegalArgumentException naming the file and the problem
     */
    public static WebhookBackend.Config load(Path file) {
        JsonNode root;
        try {
            root = YAML.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new IllegalArgumentException("audit webhook config " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("audit webhook config " + file + ": not a kubeconfig");
        }
        String contextName = root.path("current-context").asText("");
        JsonNode context = named(root.path("contexts"), contextName, "context");
        String clusterName = context.path("cluster").asText("");
        String userName = context.path("user").asText("");
        JsonNode cluster = named(root.path("clusters"), clusterName, "cluster");
        if (cluster.isMissingNode()) {
            throw new IllegalArgumentException("audit webhook config " + file + ": no cluster");
        }
        String server = cluster.path("server").asText("");
        if (server.isEmpty()) {
            throw new IllegalArgumentException("audit webhook config " + file + ": the cluster has no server");
        }
        URI url = URI.create(server);
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new IllegalArgumentException("audit webhook config " + file + ": server " + server + " is not an http or https URL");
        }
        JsonNode user = named(root.path("users"), userName, "user");
        for (String unsupported : new String[]{"client-certificate", "client-certificate-data", "client-key",
                "client-key-data", "exec", "auth-provider", "username", "password"}) {
            if (user.has(unsupported)) {
                throw new IllegalArgumentException("audit webhook config " + file + ": user." + unsupported
                        + " is not supported; use a bearer token (token or tokenFile)");
            }
        }
        String token = user.path("token").asText("");
        if (token.isEmpty() && user.has("tokenFile")) {
            try {
                token = Files.readString(Path.of(user.path("tokenFile").asText())).trim();
            } catch (IOException e) {
                throw new IllegalArgumentException("audit webhook config " + file + ": tokenFile: " + e.getMessage(), e);
            }
        }
        SSLContext tls = null;
        try {
            if (cluster.has("certificate-authority-data")) {
                tls = trusting(Base64.getDecoder().decode(cluster.path("certificate-authority-data").asText()));
            } else if (cluster.has("certificate-authority")) {
                tls = trusting(Files.readAllBytes(Path.of(cluster.path("certificate-authority").asText())));
            }
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("audit webhook config " + file + ": certificate authority: " + e.getMessage(), e);
        }
        return WebhookBackend.Config.defaults(url).withCredentials(token, tls);
    }

    /** The {@code cluster}/{@code context}/{@code user} body of the entry called {@code name}, else of the first entry. */
    private static JsonNode named(JsonNode entries, String name, String field) {
        JsonNode first = null;
        for (JsonNode entry : entries) {
            if (first == null) {
                first = entry;
            }
            if (entry.path("name").asText("").equals(name) && !name.isEmpty()) {
                return entry.path(field);
            }
        }
        return first == null ? com.fasterxml.jackson.databind.node.MissingNode.getInstance() : first.path(field);
    }

    private static SSLContext trusting(byte[] pem) throws IOException, GeneralSecurityException {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        int n = 0;
        try (InputStream in = new ByteArrayInputStream(pem)) {
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trusted.setCertificateEntry("ca-" + n++, certificate);
            }
        }
        if (n == 0) {
            throw new GeneralSecurityException("no certificate in " + new String(pem, 0, Math.min(pem.length, 30), StandardCharsets.US_ASCII));
        }
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        return context;
    }
}
