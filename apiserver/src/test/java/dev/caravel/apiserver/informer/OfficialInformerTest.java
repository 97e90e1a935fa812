package dev.caravel.apiserver.informer;

import com.google.gson.reflect.TypeToken;
import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.apiserver.server.Kubeconfig;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;
import io.kubernetes.client.informer.ListerWatcher;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapList;
import io.kubernetes.client.openapi.models.V1ListMeta;
import io.kubernetes.client.openapi.models.V1Namespace;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.kubernetes.client.util.Watch;
import io.kubernetes.client.util.Watchable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.StringReader;
import java.lang.reflect.Type;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The official client's informer (SharedInformerFactory) on ConfigMaps while 10,000 writes run and
 * its connections are cut: its cache must end equal to the server's list and its handler must have
 * seen each object's versions once, in order.
 *
 * <p>client-java 24 lists, then watches; it has no streaming list of its own. The second test gives
 * its informer a lister whose list is a streaming list (a watch with sendInitialEvents=true,
 * read until the bookmark annotated {@code k8s.io/initial-events-end}), through the client's own
 * watch reader, which is what client-go's reflector does with WatchListClient on.
 */
class OfficialInformerTest {

    private static final Logger log = LoggerFactory.getLogger(OfficialInformerTest.class);
    private static final String NAMESPACE = "informer";
    /** Issue 5 asks for 10,000 creates, updates and deletes. */
    private static final int OPERATIONS = 10_000;
    /** Four cuts spread over the writes. */
    private static final int CUT_EVERY = OPERATIONS / 5;
    private static final Type EVENT_TYPE = new TypeToken<Watch.Response<V1ConfigMap>>() {}.getType();

    private KeyValueStore store;
    private CaravelServer server;
    private CuttingProxy proxy;
    private CoreV1Api writer;
    private ApiClient watcherClient;
    private CoreV1Api watcher;
    private SharedInformerFactory factory;

    @BeforeEach
    void start() throws Exception {
        store = MemoryStore.open();
        server = new CaravelServer(CaravelServer.Config.loopback(0, store));
        InetSocketAddress address = server.start();
        proxy = new CuttingProxy(address, "/api/v1/namespaces/" + NAMESPACE + "/configmaps");
        writer = new CoreV1Api(client(server.url()));
        watcherClient = client(proxy.url());
        // Watches stay open for minutes: no read timeout (the factory's own clients do the same).
        watcherClient.setHttpClient(watcherClient.getHttpClient().newBuilder().readTimeout(0, TimeUnit.SECONDS).build());
        watcher = new CoreV1Api(watcherClient);
        factory = new SharedInformerFactory(watcherClient);
        writer.createNamespace(new V1Namespace().metadata(new V1ObjectMeta().name(NAMESPACE))).execute();
    }

    private static ApiClient client(String url) throws IOException {
        return ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(new StringReader(Kubeconfig.render(url)))).build();
    }

    @AfterEach
    void stop() {
        if (factory != null) {
            factory.stopAllRegisteredInformers(true);
        }
        for (AutoCloseable c : new AutoCloseable[] {proxy, server, store}) {
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
        SharedIndexInformer<V1ConfigMap> informer = factory.sharedIndexInformerFor(
                params -> watcher.listNamespacedConfigMap(NAMESPACE).resourceVersion(params.resourceVersion)
                        .watch(params.watch).timeoutSeconds(params.timeoutSeconds).buildCall(null),
                V1ConfigMap.class, V1ConfigMapList.class, 0,
                (type, error) -> log.info("official informer: watch failed ({}), the informer goes on", error.toString()));
        churnAndCheck(informer, "list then watch");
    }

    @Test
    void informerFedByStreamingListsConvergesToo() throws Exception {
        SharedIndexInformer<V1ConfigMap> informer = factory.sharedIndexInformerFor(new StreamingListerWatcher(),
                V1ConfigMap.class, 0,
                (type, error) -> log.info("official informer: watch failed ({}), the informer goes on", error.toString()));
        churnAndCheck(informer, "streaming list then watch");
    }

    private void churnAndCheck(SharedIndexInformer<V1ConfigMap> informer, String mode) throws Exception {
        EventLedger ledger = new EventLedger();
        informer.addEventHandler(new ResourceEventHandler<>() {
            @Override
            public void onAdd(V1ConfigMap object) {
                ledger.added(object.getMetadata().getName(), version(object));
            }

            @Override
            public void onUpdate(V1ConfigMap previous, V1ConfigMap object) {
                ledger.updated(object.getMetadata().getName(), version(previous), version(object));
            }

            @Override
            public void onDelete(V1ConfigMap object, boolean finalStateUnknown) {
                ledger.deleted(object.getMetadata().getName(), version(object));
            }
        });
        factory.startAllRegisteredInformers();
        assertThat(Fabric8InformerTest.awaitCondition(informer::hasSynced)).as("informer synced").isTrue();

        ConfigMapChurn.Outcome outcome = new ConfigMapChurn(OPERATIONS, 8).run(new OfficialWriter(writer), CUT_EVERY,
                proxy::cutAll);

        Map<String, String> expected = serverState();
        boolean converged = Fabric8InformerTest.awaitCondition(
                () -> cacheState(informer).equals(expected) && ledger.caughtUpWith(outcome));
        assertThat(cacheState(informer)).as("informer cache against a fresh list").isEqualTo(expected);
        assertThat(expected).hasSize((int) outcome.liveObjects());
        assertThat(ledger.problems(outcome)).as("broken event guarantees").isEmpty();
        assertThat(converged).isTrue();
        log.info("official informer ({}): {} objects live, {} lists, {} cuts, {} resyncs, {} versions folded", mode,
                expected.size(), proxy.lists(), proxy.cuts(), ledger.resyncs(), ledger.missedVersions(outcome));
        assertThat(proxy.cuts()).isGreaterThanOrEqualTo(4);
        if (proxy.lists() == 1) {
            // Never relisted: every cut watch resumed from the last version seen, so nothing may be folded.
            assertThat(ledger.missedVersions(outcome)).as("versions never delivered").isZero();
        }
    }

    /** name -> "resourceVersion data" of every ConfigMap, as a fresh list from the server says. */
    private Map<String, String> serverState() throws ApiException {
        Map<String, String> state = new TreeMap<>();
        for (V1ConfigMap cm : writer.listNamespacedConfigMap(NAMESPACE).execute().getItems()) {
            state.put(cm.getMetadata().getName(), cm.getMetadata().getResourceVersion() + " " + new TreeMap<>(cm.getData()));
        }
        return state;
    }

    private static Map<String, String> cacheState(SharedIndexInformer<V1ConfigMap> informer) {
        Map<String, String> state = new TreeMap<>();
        for (V1ConfigMap cm : informer.getIndexer().list()) {
            state.put(cm.getMetadata().getName(), cm.getMetadata().getResourceVersion() + " " + new TreeMap<>(cm.getData()));
        }
        return state;
    }

    private static long version(V1ConfigMap object) {
        return Long.parseLong(object.getMetadata().getResourceVersion());
    }

    /**
     * Lists by streaming: watch with sendInitialEvents=true and resourceVersionMatch=NotOlderThan,
     * take the ADDED events until the bookmark that ends the initial events, whose resourceVersion
     * is the list's. Watches as usual.
     */
    private final class StreamingListerWatcher implements ListerWatcher<V1ConfigMap, V1ConfigMapList> {
        @Override
        public V1ConfigMapList list(CallGeneratorParams params) throws ApiException {
            List<V1ConfigMap> items = new ArrayList<>();
            try (Watch<V1ConfigMap> stream = Watch.createWatch(watcherClient, watcher.listNamespacedConfigMap(NAMESPACE)
                    .watch(true).sendInitialEvents(true).resourceVersionMatch("NotOlderThan").allowWatchBookmarks(true)
                    .buildCall(null), EVENT_TYPE)) {
                for (Watch.Response<V1ConfigMap> event : stream) {
                    switch (event.type) {
                        case "ADDED" -> items.add(event.object);
                        case "BOOKMARK" -> {
                            Map<String, String> annotations = event.object.getMetadata().getAnnotations();
                            if (annotations != null && "true".equals(annotations.get("k8s.io/initial-events-end"))) {
                                return new V1ConfigMapList().items(items).metadata(
                                        new V1ListMeta().resourceVersion(event.object.getMetadata().getResourceVersion()));
                            }
                        }
                        case "ERROR" -> throw new ApiException(event.status == null ? 500 : event.status.getCode(),
                                "streaming list failed: " + event.status);
                        default -> throw new ApiException("streaming list: unexpected " + event.type + " before the initial events ended");
                    }
                }
            } catch (IOException e) {
                throw new ApiException(e);
            }
            throw new ApiException("streaming list: the stream ended before the initial events did");
        }

        @Override
        public Watchable<V1ConfigMap> watch(CallGeneratorParams params) throws ApiException {
            return Watch.createWatch(watcherClient, watcher.listNamespacedConfigMap(NAMESPACE)
                    .resourceVersion(params.resourceVersion).watch(true).allowWatchBookmarks(true)
                    .timeoutSeconds(params.timeoutSeconds).buildCall(null), EVENT_TYPE);
        }
    }

    private record OfficialWriter(CoreV1Api core) implements ConfigMapChurn.Writer {
        @Override
        public long create(String name, Map<String, String> data) throws ApiException {
            return version(core.createNamespacedConfigMap(NAMESPACE,
                    new V1ConfigMap().metadata(new V1ObjectMeta().name(name)).data(data)).execute());
        }

        @Override
        public long update(String name, Map<String, String> data) throws ApiException {
            // No resourceVersion: an unconditional update; this thread is the object's only writer.
            return version(core.replaceNamespacedConfigMap(name, NAMESPACE,
                    new V1ConfigMap().metadata(new V1ObjectMeta().name(name)).data(data)).execute());
        }

        @Override
        public void delete(String name) throws ApiException {
            core.deleteNamespacedConfigMap(name, NAMESPACE).execute();
        }
    }
}
