package dev.caravel.apiserver.apiextensions;

import dev.caravel.apiserver.api.GroupResource;
import dev.caravel.apiserver.openapi.OpenApiDocuments;
import dev.caravel.apiserver.printer.ResourcePrinter;
import dev.caravel.apiserver.registry.Registry;
import dev.caravel.apiserver.resource.ResourceDefinition;
import dev.caravel.apiserver.schema.SchemaCatalogue;

import java.time.Clock;
import java.util.Optional;

/**
 * CustomResourceDefinitions (apiextensions.k8s.io/v1) and the custom resources they define,
 * served by one API server: what the server wires in.
 *
 * <pre>
 *   ApiExtensions ext = ApiExtensions.attach(registry, clock); // before the stores are made
 *   ext.serveStored();                  // established CRDs in storage served before the first request
 *   ... TablePrinter.withCustomPrinters(ext::printerFor), new OpenApiDocuments(..., ext.openApi())
 *   ext.start();                        // the CRD controllers
 *   ext.close();
 * </pre>
 *
 * Why it is shaped so: docs/decisions/0022-custom-resources.md.
 */
public final class ApiExtensions implements AutoCloseable {

    private final Registry registry;
    private final Clock clock;
    private final ServedTypes served;
    private final CustomResourceOpenApi openApi;
    private CrdController controller;

    private ApiExtensions(Registry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.served = new ServedTypes(registry, registry.catalogue(), clock);
        this.openApi = new CustomResourceOpenApi(served::types, SchemaCatalogue.kubernetes());
    }

    /** Makes the registry serve CRDs and custom resources with this package's strategies. */
    public static ApiExtensions attach(Registry registry, Clock clock) {
        ApiExtensions ext = new ApiExtensions(registry, clock);
        registry.addStrategies(ext::strategyFor);
        return ext;
    }

    private Optional<dev.caravel.apiserver.registry.ResourceStrategy> strategyFor(ResourceDefinition definition) {
        return served.strategyFor(definition);
    }

    private synchronized CrdController controller() {
        if (controller == null) {
            controller = new CrdController(registry.store(CustomResources.GROUP_VERSION, CustomResources.RESOURCE),
                    served, clock);
        }
        return controller;
    }

    /** Serves the CRDs storage holds as established, at once (a restart on the same store). */
    public void serveStored() {
        controller().serveStored();
    }

    /** Starts the naming, establishing and finalizing controllers. */
    public void start() {
        controller().start();
    }

    /**
     * The Table printer of a custom resource at the version {@code apiVersion} names (its printer
     * columns), or empty for any other resource.
     */
    public Optional<ResourcePrinter> printerFor(GroupResource resource, String apiVersion) {
        return served.printerFor(resource, apiVersion);
    }

    /** The OpenAPI of the custom resources served, for {@link OpenApiDocuments}. */
    public OpenApiDocuments.PublishedSchemas openApi() {
        return openApi;
    }

    @Override
    public synchronized void close() {
        if (controller != null) {
            controller.close();
        }
    }
}
