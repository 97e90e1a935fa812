package dev.caravel.apiserver.informer;

import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.apiserver.server.Kubeconfig;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * fabric8's SharedIndexInformer on ConfigMaps while 10,000 writes run and its connections are cut:
 * its cache must end equal to the server's list and its handler must have seen each object's
 * versions once, in order. fabric8 7.4 has no streaming lists (sendInitialEvents): it lists, then
 * watches from the list's resourceVersion, and resumes the watch from the last version it saw.
 */
class Fabric8InformerTest {

    private static final Logger log = LoggerFactory.getLogger(Fabric8InformerTest.class);
    private static final String NAMESPACE = "informer";
    /** Issue 5 asks for 10,000 creates, updates and deletes. */
    private static final int OPERATIONS = 10_000;
    /** Four cuts spread over the writes. */
    private static final int CUT_EVERY = OPERATIONS / 5;
    private static final Duration CONVERGENCE_TIMEOUT = Duration.ofSeconds(30);

    private KeyValueStore store;
    private CaravelServer server;
    private CuttingProxy proxy;
    private KubernetesClient writer;
    private KubernetesClient watcher;

    @BeforeEach
    void start() throws Exception {
        store = MemoryStore.open();
        server = new CaravelServer(CaravelServer.Config.loopback(0, store));
        InetSocketAddress address = server.start();
        proxy = new CuttingProxy(address, "/api/v1/namespaces/" + NAMESPACE + "/configmaps");
        writer = client(server.url());
        watcher = client(proxy.url());
        writer.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NAMESPACE).endMetadata().build())
                .create();
    }

    private static KubernetesClient client(String url) {
        Config config = Config.fromKubeconfig(Kubeconfig.render(url));
        // Reconnect quickly after a cut: the default first backoff is a second.
        config.setWatchReconnectInterval(100);
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    @AfterEach
    void stop() {
        for (AutoCloseable c : new AutoCloseable[] {watcher, writer, proxy, server, store}) {
            try {
                if (c != null) {
                    c.close();
                }
            } catch (Exception e) {
                log.warn("informer test: closing {} failed", c, e);
            }
        }
    }

    @Test
    void informerCacheEqualsTheServerAfterTenThousandWritesAndCutWatches() throws Exception {
        EventLedger ledger = new EventLedger();
        SharedIndexInformer<ConfigMap> informer = watcher.configMaps().inNamespace(NAMESPACE)
                .inform(new ResourceEventHandler<>() {
                    @Override
                    public void onAdd(ConfigMap object) {
                        ledger.added(object.getMetadata().getName(), version(object));
                    }

                    @Override
                    public void onUpdate(ConfigMap previous, ConfigMap object) {
                        ledger.updated(object.getMetadata().getName(), version(previous), version(object));
                    }

                    @Override
                    public void onDelete(ConfigMap object, boolean finalStateUnknown) {
                        ledger.deleted(object.getMetadata().getName(), version(object));
                    }
                }, 0);
        informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);

        ConfigMapChurn.Outcome outcome = new ConfigMapChurn(OPERATIONS, 8).run(new Fabric8Writer(writer), CUT_EVERY,
                proxy::cutAll);

        Map<String, String> expected = serverState();
        boolean converged = awaitCondition(() -> cacheState(informer).equals(expected) && ledger.caughtUpWith(outcome));
        assertThat(cacheState(informer)).as("informer cache against a fresh list").isEqualTo(expected);
        assertThat(expected).hasSize((int) outcome.liveObjects());
        assertThat(ledger.problems(outcome)).as("broken event guarantees").isEmpty();
        assertThat(converged).isTrue();
        log.info("fabric8 informer: {} objects live, {} lists, {} cuts, {} resyncs, {} versions folded",
                expected.size(), proxy.lists(), proxy.cuts(), ledger.resyncs(), ledger.missedVersions(outcome));
        assertThat(proxy.cuts()).isGreaterThanOrEqualTo(4);
        if (proxy.lists() == 1) {
            // Never relisted: every cut watch resumed from the last version seen, so nothing may be folded.
            assertThat(ledger.missedVersions(outcome)).as("versions never delivered").isZero();
        }
    }

    /** name -> "resourceVersion data" of every ConfigMap, as a fresh list from the server says. */
    private Map<String, String> serverState() {
        Map<String, String> state = new TreeMap<>();
        for (ConfigMap cm : writer.configMaps().inNamespace(NAMESPACE).list().getItems()) {
            state.put(cm.getMetadata().getName(), cm.getMetadata().getResourceVersion() + " " + new TreeMap<>(cm.getData()));
        }
        return state;
    }

    private static Map<String, String> cacheState(SharedIndexInformer<ConfigMap> informer) {
        Map<String, String> state = new TreeMap<>();
        for (ConfigMap cm : informer.getStore().list()) {
            state.put(cm.getMetadata().getName(), cm.getMetadata().getResourceVersion() + " " + new TreeMap<>(cm.getData()));
        }
        return state;
    }

    private static long version(ConfigMap object) {
        return Long.parseLong(object.getMetadata().getResourceVersion());
    }

    static boolean awaitCondition(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + CONVERGENCE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }

    private record Fabric8Writer(KubernetesClient client) implements ConfigMapChurn.Writer {
        @Override
        public long create(String name, Map<String, String> data) {
            return version(client.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder()
                    .withNewMetadata().withName(name).endMetadata().withData(data).build()).create());
        }

        @Override
        public long update(String name, Map<String, String> data) {
            // No resourceVersion: an unconditional update; this thread is the object's only writer.
            return version(client.configMaps().inNamespace(NAMESPACE).resource(new ConfigMapBuilder()
                    .withNewMetadata().withName(name).endMetadata().withData(data).build()).update());
        }

        @Override
        public void delete(String name) {
            assertThat(client.configMaps().inNamespace(NAMESPACE).withName(name).delete()).hasSize(1);
        }
    }
}
