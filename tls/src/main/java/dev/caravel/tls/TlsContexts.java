package dev.caravel.tls;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import java.net.Socket;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/** {@link SSLContext}s made from PEM material: trusting a CA bundle, presenting a key and chain. */
public final class TlsContexts {

    private static final char[] NO_PASSWORD = new char[0];

    private TlsContexts() {
    }

    /** Trust managers that accept exactly the certificates {@code authorities} signed (a caBundle). */
    public static TrustManager[] trusting(List<X509Certificate> authorities) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < authorities.size(); i++) {
                store.setCertificateEntry("ca-" + i, authorities.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            return factory.getTrustManagers();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("building a trust store of " + authorities.size() + " certificate(s)", e);
        }
    }

    /** Key managers that present {@code key} with its certificate {@code chain} (leaf first). */
    public static KeyManager[] presenting(PrivateKey key, List<X509Certificate> chain) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("key", key, NO_PASSWORD, chain.toArray(X509Certificate[]::new));
            KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            factory.init(store, NO_PASSWORD);
            return factory.getKeyManagers();
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("building a key store for a chain of " + chain.size() + " certificate(s)", e);
        }
    }

    /**
     * A TLS client context: trusts {@code authorities} (the JVM's defaults when null), and presents
     * {@code clientKey} and {@code clientChain} when they are given (client certificate authentication).
     */
    public static SSLContext client(List<X509Certificate> authorities, PrivateKey clientKey, List<X509Certificate> clientChain) {
        return context(clientKey == null ? null : presenting(clientKey, clientChain),
                authorities == null ? null : trusting(authorities));
    }

    /**
     * A client context that accepts any server certificate: what kubeconfig's
     * {@code insecure-skip-tls-verify: true} asks for. Never the default.
     */
    public static SSLContext trustingAnyServer(PrivateKey clientKey, List<X509Certificate> clientChain) {
        // An extended trust manager: JSSE wraps a plain one and still checks the host name, which
        // skipping verification must not do either.
        X509ExtendedTrustManager any = new X509ExtendedTrustManager() {
            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
            }

            @Override
            public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
            }

            @Override
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        return context(clientKey == null ? null : presenting(clientKey, clientChain), new TrustManager[] {any});
    }

    private static SSLContext context(KeyManager[] keys, TrustManager[] trust) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust, new SecureRandom());
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("initialising a TLS context", e);
        }
    }
}
