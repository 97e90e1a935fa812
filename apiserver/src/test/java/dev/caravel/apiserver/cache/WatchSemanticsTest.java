package dev.caravel.apiserver.cache;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static dev.caravel.apiserver.cache.TestServer.configMap;
import static dev.caravel.apiserver.cache.TestServer.rv;
import static org.assertj.core.api.Assertions.assertThat;

/** Watches served by the watch cache, through HTTP, as Kubernetes serves them. */
class WatchSemanticsTest {

    /** A window of 20 events and bookmarks every 300 ms, so that both show within a test. */
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(c -> c.withWatchCache(WatchCache.Config.defaults().withHistoryCapacity(20)
                .withBookmarkInterval(Duration.ofMillis(300))));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static String type(JsonNode event) {
        return event.path("type").asText();
    }

    private static String name(JsonNode event) {
        return event.path("object").path("metadata").path("name").asText();
    }

    @Test
    void aWatchFromARevisionReplaysTheChangesAfterIt() throws Exception {
        server.namespace("replay");
        JsonNode first = server.create("/api/v1/namespaces/replay/configmaps", configMap("a", "", "1"));
        server.create("/api/v1/namespaces/replay/configmaps", configMap("b", "", "1"));
        server.send("PUT", "/api/v1/namespaces/replay/configmaps/a", configMap("a", "", "2"));
        server.send("DELETE", "/api/v1/namespaces/replay/configmaps/b", null);
        try (TestServer.WatchStream watch = server.watch("/api/v1/namespaces/replay/configmaps?watch=true&resourceVersion="
                + rv(first))) {
            assertThat(watch.status()).isEqualTo(200);
            JsonNode added = watch.next();
            assertThat(type(added)).isEqualTo("ADDED");
            assertThat(name(added)).isEqualTo("b");
            assertThat(added.path("object").path("kind").asText()).isEqualTo("ConfigMap");
            assertThat(added.path("object").path("apiVersion").asText()).isEqualTo("v1");
            JsonNode modified = watch.next();
            assertThat(type(modified)).isEqualTo("MODIFIED");
            assertThat(modified.path("object").path("data").path("k").asText()).isEqualTo("2");
            JsonNode deleted = watch.next();
            assertThat(type(deleted)).isEqualTo("DELETED");
            assertThat(name(deleted)).isEqualTo("b");
            assertThat(rv(deleted.path("object"))).isGreaterThan(rv(modified.path("object")));
            server.create("/api/v1/namespaces/replay/configmaps", configMap("c", "", "1"));
            JsonNode live = watch.next();
            assertThat(type(live)).isEqualTo("ADDED");
            assertThat(name(live)).isEqualTo("c");
        }
    }

    @Test
    void aWatchFromBeforeTheWindowGetsA410ErrorEventInsideA200Stream() throws Exception {
        server.namespace("window");
        JsonNode first = server.create("/api/v1/namespaces/window/configmaps", configMap("w", "", "0"));
        for (int i = 1; i <= 25; i++) {
            server.send("PUT", "/api/v1/namespaces/window/configmaps/w", configMap("w", "", Integer.toString(i)));
        }
        try (TestServer.WatchStream watch = server.watch("/api/v1/namespaces/window/configmaps?watch=true&resourceVersion="
                + rv(first))) {
            assertThat(watch.status()).isEqualTo(200);
            JsonNode error = watch.next();
            assertThat(type(error)).isEqualTo("ERROR");
            JsonNode status = error.path("object");
            assertThat(status.path("kind").asText()).isEqualTo("Status");
            assertThat(status.path("code").asInt()).isEqualTo(410);
            assertThat(status.path("reason").asText()).isEqualTo("Expired");
            assertThat(status.path("message").asText()).matches("too old resource version: " + rv(first) + " \\(\\d+\\)");
            assertThat(watch.endsWithin(5)).isTrue();
        }
    }

    @Test
    void aWatchFromNowStartsWithTheCurrentObjectsAsAdded() throws Exception {
        server.namespace("current");
        server.create("/api/v1/namespaces/current/configmaps", configMap("one", "", "1"));
        server.create("/api/v1/namespaces/current/configmaps", configMap("two", "", "1"));
        for (String rv : new String[] {"", "&resourceVersion=0"}) {
            try (TestServer.WatchStream watch = server.watch("/api/v1/namespaces/current/configmaps?watch=true" + rv)) {
                assertThat(name(watch.next())).isEqualTo("one");
                assertThat(name(watch.next())).isEqualTo("two");
            }
        }
    }

    @Test
    void objectsLeavingAndEnteringASelectorArriveAsDeletedAndAdded() throws Exception {
        server.namespace("moving");
        server.create("/api/v1/namespaces/moving/configmaps", configMap("m", "\"tier\":\"front\"", "1"));
        try (TestServer.WatchStream watch = server.watch(
                "/api/v1/namespaces/moving/configmaps?watch=true&labelSelector=tier%3Dfront")) {
            assertThat(type(watch.next())).isEqualTo("ADDED");
            server.send("PUT", "/api/v1/namespaces/moving/configmaps/m", configMap("m", "\"tier\":\"back\"", "2"));
            JsonNode left = watch.nextChange();
            assertThat(type(left)).isEqualTo("DELETED");
            // The object as the watcher last saw it, at the revision it left.
            assertThat(left.path("object").path("metadata").path("labels").path("tier").asText()).isEqualTo("front");
            server.send("PUT", "/api/v1/namespaces/moving/configmaps/m", configMap("m", "\"tier\":\"front\"", "3"));
            JsonNode back = watch.nextChange();
            assertThat(type(back)).isEqualTo("ADDED");
            assertThat(back.path("object").path("data").path("k").asText()).isEqualTo("3");
            assertThat(rv(back.path("object"))).isGreaterThan(rv(left.path("object")));
            server.send("PUT", "/api/v1/namespaces/moving/configmaps/m", configMap("m", "\"tier\":\"front\"", "4"));
            assertThat(type(watch.nextChange())).isEqualTo("MODIFIED");
        }
    }

    @Test
    void bookmarksComePeriodicallyWithTheCacheRevisionWhenAllowed() throws Exception {
        server.namespace("marks");
        try (TestServer.WatchStream watch = server.watch(
                "/api/v1/namespaces/marks/configmaps?watch=true&allowWatchBookmarks=true&resourceVersion=0")) {
            // Another resource moves the store on; the bookmark follows the revision.
            JsonNode secret = server.create("/api/v1/namespaces/marks/secrets", "{\"metadata\":{\"name\":\"s\"}}");
            JsonNode bookmark;
            do {
                bookmark = watch.next();
                assertThat(type(bookmark)).isEqualTo("BOOKMARK");
            } while (rv(bookmark.path("object")) < rv(secret));
            assertThat(bookmark.path("object").path("kind").asText()).isEqualTo("ConfigMap");
        }
        try (TestServer.WatchStream watch = server.watch(
                "/api/v1/namespaces/marks/configmaps?watch=true&resourceVersion=0&timeoutSeconds=1")) {
            assertThat(watch.endsWithin(5)).as("no bookmark without allowWatchBookmarks, then the timeout").isTrue();
        }
    }

    @Test
    void aStreamingListEndsItsInitialEventsWithAnAnnotatedBookmarkThenStreamsChanges() throws Exception {
        server.namespace("streaming");
        server.create("/api/v1/namespaces/streaming/configmaps", configMap("s1", "", "1"));
        JsonNode last = server.create("/api/v1/namespaces/streaming/configmaps", configMap("s2", "", "1"));
        try (TestServer.WatchStream watch = server.watch("/api/v1/namespaces/streaming/configmaps?watch=true"
                + "&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true")) {
            assertThat(name(watch.next())).isEqualTo("s1");
            assertThat(name(watch.next())).isEqualTo("s2");
            JsonNode end = watch.next();
            assertThat(type(end)).isEqualTo("BOOKMARK");
            assertThat(end.path("object").path("metadata").path("annotations").path("k8s.io/initial-events-end").asText())
                    .isEqualTo("true");
            assertThat(rv(end.path("object"))).isGreaterThanOrEqualTo(rv(last));
            server.create("/api/v1/namespaces/streaming/configmaps", configMap("s3", "", "1"));
            JsonNode live = watch.nextChange();
            assertThat(type(live)).isEqualTo("ADDED");
            assertThat(name(live)).isEqualTo("s3");
        }
    }

    @Test
    void aStreamingListFromARevisionTheCacheHasNotReachedGetsA504ErrorEvent() throws Exception {
        long ahead = server.store.currentRevision() + 1000;
        try (TestServer.WatchStream watch = server.watch("/api/v1/namespaces/default/configmaps?watch=true"
                + "&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=" + ahead)) {
            assertThat(watch.status()).isEqualTo(200);
            JsonNode error = watch.next();
            assertThat(type(error)).isEqualTo("ERROR");
            assertThat(error.path("object").path("code").asInt()).isEqualTo(504);
            assertThat(error.path("object").path("details").path("causes").get(0).path("reason").asText())
                    .isEqualTo("ResourceVersionTooLarge");
        }
    }

    @Test
    void aWatchWithoutInitialEventsStartsAfterTheCurrentState() throws Exception {
        server.namespace("noinitial");
        server.create("/api/v1/namespaces/noinitial/configmaps", configMap("old", "", "1"));
        // Without a resourceVersion the start is consistent: after every write made before the watch.
        try (TestServer.WatchStream watch = server.watch("/api/v1/namespaces/noinitial/configmaps?watch=true"
                + "&sendInitialEvents=false&resourceVersionMatch=NotOlderThan")) {
            server.create("/api/v1/namespaces/noinitial/configmaps", configMap("new", "", "1"));
            assertThat(name(watch.nextChange())).isEqualTo("new");
        }
    }

    @Test
    void timeoutSecondsEndsTheStream() throws Exception {
        try (TestServer.WatchStream watch = server.watch("/api/v1/namespaces/default/configmaps?watch=true"
                + "&resourceVersion=0&timeoutSeconds=1")) {
            long started = System.nanoTime();
            assertThat(watch.endsWithin(5)).isTrue();
            assertThat((System.nanoTime() - started) / 1_000_000).isGreaterThanOrEqualTo(800);
        }
    }

    @Test
    void watchesWorkOverHttp2() throws Exception {
        server.namespace("h2");
        try (TestServer.WatchStream watch = server.watch("/api/v1/namespaces/h2/configmaps?watch=true&resourceVersion=0",
                true)) {
            server.create("/api/v1/namespaces/h2/configmaps", configMap("over-h2", "", "1"));
            assertThat(watch.response.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
            assertThat(name(watch.nextChange())).isEqualTo("over-h2");
        }
    }

    @Test
    void aFieldSelectorTheKindDoesNotSupportIsA400BeforeTheStream() throws Exception {
        var response = server.send("GET", "/api/v1/pods?watch=true&fieldSelector=spec.nope%3Dx", null);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.JSON.readTree(response.body()).path("message").asText())
                .isEqualTo("field label not supported: spec.nope");
    }
}
