package dev.caravel.apiserver.http;

/**
 * One step of the request pipeline. A stage either answers or passes the request (possibly a
 * changed copy) to the next one with {@link Chain#proceed}. Stages throw
 * {@link dev.caravel.apiserver.api.StatusException} to fail; one place writes the Status.
 */
@FunctionalInterface
public interface Stage {

    ApiResponse handle(ApiRequest request, Chain next) throws Exception;

    /** The rest of the pipeline after a stage. */
    interface Chain {
        ApiResponse proceed(ApiRequest request) throws Exception;
    }
}
