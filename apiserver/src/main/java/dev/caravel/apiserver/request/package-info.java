/**
 * What a request asks for: {@link dev.caravel.apiserver.request.RequestInfo} from its method and
 * path (as Kubernetes' RequestInfoFactory reads them), and the options of each verb from its
 * query and body, decoded, defaulted and validated as Kubernetes' handlers do:
 * {@link dev.caravel.apiserver.request.ListOptions}, {@link dev.caravel.apiserver.request.CreateOptions},
 * {@link dev.caravel.apiserver.request.UpdateOptions}, {@link dev.caravel.apiserver.request.PatchOptions}
 * and {@link dev.caravel.apiserver.request.DeleteOptions}. Failures are thrown as StatusExceptions.
 */
package dev.caravel.apiserver.request;
