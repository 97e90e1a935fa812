package dev.caravel.testing;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts a Caravel API server in the test's JVM, on a fresh in-memory store and a free loopback
 * port, and hands the test what it asks for: a {@link CaravelCluster} (URL, kubeconfig text and
 * file), a fabric8 {@code KubernetesClient} or an official-client {@code ApiClient}.
 *
 * <p>By default one server serves a whole test class, started before the first test and closed,
 * with its clients, after the last. {@link #perMethod()} gives each test method its own server,
 * for tests that must not see each other's objects.
 *
 * <pre>
 * &#64;ExtendWith(CaravelExtension.class)
 * class ShopOperatorTest {
 *
 *     KubernetesClient client;              // injected before each test
 *
 *     &#64;Test
 *     void createsTheShopsConfigMap(CaravelCluster cluster, ApiClient official) {
 *         client.configMaps().inNamespace("default").resource(...).create();
 *         runOperatorWith(cluster.kubeconfigPath());
 *     }
 * }
 *
 * class IsolatedTest {
 *     &#64;RegisterExtension
 *     static CaravelExtension caravel = CaravelExtension.create().perMethod();
 *     ...
 * }
 * </pre>
 *
 * <p>What is injected: test and lifecycle method parameters, and fields of the test instance
 * (static fields too, in per-class mode), of type {@link CaravelCluster},
 * {@code io.fabric8.kubernetes.client.KubernetesClient} or
 * {@code io.kubernetes.client.openapi.ApiClient}, when they are not final and still null (per
 * method: always, so each test sees its own server). Both
 * client libraries are optional dependencies of this module: the test brings the one it uses, and
 * asking for a client whose library is missing fails the test with the artifact to add.
 *
 * <p>The clients are shared by all injection points of one server; closing one in a test closes it
 * for the rest of the class.
 */
public final class CaravelExtension implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback,
        AfterAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(CaravelExtension.class);
    private static final String CLUSTER = "cluster";

    private final boolean perMethod;

    /** The per-class extension, as {@code @ExtendWith(CaravelExtension.class)} builds it. */
    public CaravelExtension() {
        this(false);
    }

    private CaravelExtension(boolean perMethod) {
        this.perMethod = perMethod;
    }

    /** An extension to register with {@code @RegisterExtension}: one server per test class. */
    public static CaravelExtension create() {
        return new CaravelExtension(false);
    }

    /** The same extension, but a fresh server (and store) for each test method. */
    public CaravelExtension perMethod() {
        return new CaravelExtension(true);
    }

    /** The server of a running test or class, for code that receives the context rather than a parameter. */
    public CaravelCluster cluster(ExtensionContext context) {
        return clusterFor(context);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        if (!perMethod) {
            injectFields(context.getRequiredTestClass(), null, clusterFor(context), true, false);
        }
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        CaravelCluster cluster = clusterFor(context);
        for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
            injectFields(instance.getClass(), instance, cluster, false, perMethod);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) {
        if (perMethod) {
            closeOwned(context);
        }
    }

    @Override
    public void afterAll(ExtensionContext context) {
        closeOwned(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        return type == CaravelCluster.class || ClientLibrary.forType(type) != null;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        Class<?> type = parameterContext.getParameter().getType();
        if (perMethod && extensionContext.getTestMethod().isEmpty()) {
            throw new ParameterResolutionException("caravel-testing: a per-method server exists only during a test; "
                    + "ask for " + type.getSimpleName() + " in the test or @BeforeEach method, not in "
                    + parameterContext.getDeclaringExecutable());
        }
        try {
            return valueFor(type, clusterFor(extensionContext));
        } catch (IllegalStateException e) {
            throw new ParameterResolutionException(e.getMessage(), e);
        }
    }

    /**
     * The cluster for this context, started on first use. Per-class clusters live in the class's
     * context (found from a method's context by walking up), per-method ones in the method's; so
     * a {@code @RegisterExtension} instance field, which gets no beforeAll, still gets a server.
     */
    private CaravelCluster clusterFor(ExtensionContext context) {
        ExtensionContext owner = perMethod ? context : classContext(context);
        return owner.getStore(NAMESPACE).getOrComputeIfAbsent(CLUSTER, key -> CaravelCluster.start(), CaravelCluster.class);
    }

    private static ExtensionContext classContext(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }

    private static void closeOwned(ExtensionContext context) {
        CaravelCluster cluster = context.getStore(NAMESPACE).remove(CLUSTER, CaravelCluster.class);
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Object valueFor(Class<?> type, CaravelCluster cluster) {
        if (type == CaravelCluster.class) {
            return cluster;
        }
        ClientLibrary library = ClientLibrary.forType(type);
        if (library == null) {
            throw new IllegalStateException("caravel-testing cannot inject a " + type.getName());
        }
        return cluster.client(library);
    }

    /**
     * @param replace set fields that already hold a value: per method, a test instance shared by
     *                the class (lifecycle PER_CLASS) still holds the previous, closed server's values
     */
    private static void injectFields(Class<?> testClass, Object instance, CaravelCluster cluster, boolean statics,
            boolean replace) {
        for (Class<?> type = testClass; type != null && type != Object.class; type = type.getSuperclass()) {
            for (Field field : List.of(type.getDeclaredFields())) {
                int modifiers = field.getModifiers();
                if (Modifier.isFinal(modifiers) || Modifier.isStatic(modifiers) != statics) {
                    continue;
                }
                Class<?> fieldType = field.getType();
                if (fieldType != CaravelCluster.class && ClientLibrary.forType(fieldType) == null) {
                    continue;
                }
                try {
                    field.setAccessible(true);
                    if (replace || field.get(instance) == null) {
                        field.set(instance, valueFor(fieldType, cluster));
                    }
                } catch (ReflectiveOperationException | RuntimeException e) {
                    throw new ExtensionConfigurationException("caravel-testing cannot inject field "
                            + type.getSimpleName() + "." + field.getName() + ": " + e.getMessage(), e);
                }
            }
        }
    }
}
