package dev.caravel.controllers.informer;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.controllers.client.ApiClient;
import java.io.IOException;
import java.time.Duration;

/**
 * Keeps a controller told about one collection: lists it, then watches from the list's
 * resourceVersion, renewing the watch when the server ends it, and relists on an ERROR event
 * (410 Gone) or a broken stream, after a backoff that doubles up to a cap. Every listed object and
 * every ADDED or MODIFIED one goes to {@link Handler#upserted}, so a relist re-announces
 * everything (handlers must be idempotent); a DELETED one goes to {@link Handler#deleted}.
 *
 * <p>{@link #run} is the loop, on the caller's thread; {@link #close} ends it from another thread.
 */
public final class Informer implements AutoCloseable {

    /** Called on the informer's thread; must not block for long (enqueue, don't work). */
    public interface Handler {
        void upserted(JsonNode object);

        default void deleted(JsonNode object) {
        }
    }

    /**
     * @param initialBackoff      the first delay before relisting after a failure; doubles on each one
     * @param maxBackoff          the cap of that delay
     * @param watchTimeoutSeconds how long one watch request lasts before it is renewed
     */
    public record Options(Duration initialBackoff, Duration maxBackoff, int watchTimeoutSeconds) {
    }

    private final ApiClient client;
    private final String collectionPath;
    private final String component;
    private final Options options;
    private final Handler handler;
    private final org.slf4j.Logger log;
    private volatile ApiClient.Watch currentWatch;
    private volatile boolean stopped;
    private volatile boolean synced;

    /** @param component the logging name of the controller that owns this informer */
    public Informer(ApiClient client, String collectionPath, String component, Options options, Handler handler) {
        this.client = client;
        this.collectionPath = collectionPath;
        this.component = component;
        this.options = options;
        this.handler = handler;
        this.log = org.slf4j.LoggerFactory.getLogger(component);
    }

    /** Lists and watches until closed or interrupted. */
    public void run() {
        Duration backoff = options.initialBackoff();
        while (!stopped) {
            try {
                JsonNode list = client.get(collectionPath);
                String resourceVersion = list.path("metadata").path("resourceVersion").asText("");
                for (JsonNode item : list.path("items")) {
                    handler.upserted(item);
                }
                synced = true;
                backoff = options.initialBackoff();
                watchUntilRelist(resourceVersion);
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (stopped) {
                    return;
                }
                log.warn("{}: listing or watching {} failed, relisting in {} ms: {}", component, collectionPath,
                        backoff.toMillis(), e.toString());
                try {
                    Thread.sleep(backoff.toMillis());
                } catch (InterruptedException ie) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(options.maxBackoff()) <= 0
                        ? backoff.multipliedBy(2) : options.maxBackoff();
            }
        }
    }

    /** Watches (renewing the watch when the server ends it) until an ERROR event says to relist. */
    private void watchUntilRelist(String resourceVersion) throws IOException, InterruptedException {
        String[] rv = {resourceVersion};
        boolean[] relist = {false};
        while (!stopped && !relist[0]) {
            client.watch(collectionPath, rv[0], options.watchTimeoutSeconds(), w -> currentWatch = w, event -> {
                String type = event.path("type").asText();
                JsonNode object = event.path("object");
                if (type.equals("ERROR")) {
                    log.info("{}: watch of {} ended with {} {}, relisting", component, collectionPath,
                            object.path("code").asText(), object.path("message").asText());
                    relist[0] = true;
                    return false;
                }
                String eventRv = object.path("metadata").path("resourceVersion").asText("");
                if (!eventRv.isEmpty()) {
                    rv[0] = eventRv;
                }
                if (type.equals("ADDED") || type.equals("MODIFIED")) {
                    handler.upserted(object);
                } else if (type.equals("DELETED")) {
                    handler.deleted(object);
                }
                return true;
            });
            currentWatch = null;
        }
    }

    /**
     * Whether the first list has been handed to the handler: until then the handler has not seen
     * every object, which matters to a controller that acts on what is missing.
     */
    public boolean hasSynced() {
        return synced;
    }

    /** Ends {@link #run}: closes the open watch; the owner also interrupts the thread if it sleeps. */
    @Override
    public void close() {
        stopped = true;
        ApiClient.Watch watch = currentWatch;
        if (watch != null) {
            watch.close();
        }
    }
}
