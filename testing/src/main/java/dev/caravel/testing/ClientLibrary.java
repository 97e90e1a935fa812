package dev.caravel.testing;

/**
 * The Kubernetes client libraries the extension can hand out. Both are optional dependencies of
 * this module, so each is looked up by class name before any of its classes is touched: a test
 * that asks only for a {@link CaravelCluster} never loads either.
 */
enum ClientLibrary {

    /**
     * fabric8's client. {@code kubernetes-client-api} alone holds the interface but no HTTP client,
     * so the builder is not enough: the default HTTP client implementation must be there too.
     */
    FABRIC8("io.fabric8.kubernetes.client.KubernetesClient",
            "io.fabric8:kubernetes-client (7.x), which brings an HTTP client implementation",
            "io.fabric8.kubernetes.client.KubernetesClientBuilder",
            "io.fabric8.kubernetes.client.vertx.VertxHttpClientFactory"),

    /** The official Java client: {@code ApiClient} is in client-java-api, the kubeconfig loader in client-java. */
    OFFICIAL("io.kubernetes.client.openapi.ApiClient",
            "io.kubernetes:client-java (24.x)",
            "io.kubernetes.client.openapi.ApiClient",
            "io.kubernetes.client.util.ClientBuilder");

    private final String clientType;
    private final String artifact;
    private final String[] requiredClasses;

    ClientLibrary(String clientType, String artifact, String... requiredClasses) {
        this.clientType = clientType;
        this.artifact = artifact;
        this.requiredClasses = requiredClasses;
    }

    /** The library whose client has this type name, or null. Compares names so nothing is loaded. */
    static ClientLibrary forType(Class<?> type) {
        for (ClientLibrary library : values()) {
            if (library.clientType.equals(type.getName())) {
                return library;
            }
        }
        return null;
    }

    String clientType() {
        return clientType;
    }

    /** Throws, naming the artifact to add, unless every class the client needs can be loaded. */
    void requirePresent() {
        requirePresent(ClientLibrary.class.getClassLoader());
    }

    void requirePresent(ClassLoader loader) {
        for (String name : requiredClasses) {
            try {
                Class.forName(name, false, loader);
            } catch (ClassNotFoundException | LinkageError e) {
                throw new IllegalStateException("Caravel cannot create " + article(simpleName(clientType))
                        + ": " + name + " is not on the test classpath. Add the test dependency " + artifact + ".", e);
            }
        }
    }

    private static String article(String noun) {
        return ("AEIOU".indexOf(noun.charAt(0)) >= 0 ? "an " : "a ") + noun;
    }

    private static String simpleName(String className) {
        return className.substring(className.lastIndexOf('.') + 1);
    }
}
