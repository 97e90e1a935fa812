package dev.caravel.controllers;

import dev.caravel.controllers.client.ApiClient;
import dev.caravel.controllers.client.ApiException;
import dev.caravel.testing.CaravelCluster;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The fixture the controllers' tests run on: a real server in-process (the testing module's
 * {@link CaravelCluster}), an API client on it, and the controllers a test starts with that client.
 * Closing it stops the controllers (in the order they were added), then the client, then the server.
 */
public final class ControllerTestCluster implements AutoCloseable {

    /** How long a test waits for a controller to reach a state before it fails. */
    public static final Duration WAIT = Duration.ofSeconds(20);

    private final CaravelCluster cluster;
    private final ApiClient client;
    private final List<AutoCloseable> controllers = new ArrayList<>();

    private ControllerTestCluster(CaravelCluster cluster, ApiClient client) {
        this.cluster = cluster;
        this.client = client;
    }

    public static ControllerTestCluster start() {
        CaravelCluster cluster = CaravelCluster.start();
        try {
            return new ControllerTestCluster(cluster, new ApiClient(ApiClient.Config.of(cluster.url())));
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
    }

    public CaravelCluster cluster() {
        return cluster;
    }

    public ApiClient client() {
        return client;
    }

    /** Adds a controller to stop before the client it uses is closed; returns it, for the test to start. */
    public <C extends AutoCloseable> C closing(C controller) {
        controllers.add(controller);
        return controller;
    }

    @Override
    public void close() {
        for (AutoCloseable controller : controllers) {
            try {
                controller.close();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("closing " + controller, e);
            }
        }
        client.close();
        cluster.close();
    }

    /** Waits until {@code condition} holds, polling every 50 ms; fails the test after {@link #WAIT}. */
    public static void awaitTrue(Callable<Boolean> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.call()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not true within " + WAIT);
            }
            Thread.sleep(50);
        }
    }

    /** Whether {@code path} answers 404 (any other error is thrown). */
    public static boolean isGone(ApiClient client, String path) throws Exception {
        try {
            client.get(path);
            return false;
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return true;
            }
            throw e;
        }
    }
}
