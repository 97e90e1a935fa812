package dev.caravel.controllers;

import dev.caravel.controllers.client.ApiClient;
import dev.caravel.testing.CaravelCluster;
import java.util.ArrayList;
import java.util.List;

/**
 * The fixture the controllers' tests run on: a real server in-process (the testing module's
 * {@link CaravelCluster}), an API client on it, and the controllers a test starts with that client.
 * Closing it stops the controllers (in the order they were added), then the client, then the server.
 */
public final class ControllerTestCluster implements AutoCloseable {

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
}
