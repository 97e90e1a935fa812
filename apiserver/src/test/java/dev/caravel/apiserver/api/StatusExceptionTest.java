package dev.caravel.apiserver.api;

import dev.caravel.storage.StorageException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class StatusExceptionTest {

    private static final GroupResource PODS = GroupResource.core("pods");
    private static final GroupResource DEPLOYMENTS = new GroupResource("apps", "deployments");

    @Test
    void notFoundIsWrittenExactlyAsKubernetesWritesIt() {
        StatusException e = StatusException.notFound(PODS, "foo");

        assertThat(e.code()).isEqualTo(404);
        assertThat(e.getMessage()).isEqualTo("pods \"foo\" not found");
        assertThat(e.status().toJson()).isEqualTo(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                        + "\"message\":\"pods \\\"foo\\\" not found\",\"reason\":\"NotFound\","
                        + "\"details\":{\"name\":\"foo\",\"kind\":\"pods\"},\"code\":404}");
    }

    @Test
    void aResourceOfANamedGroupIsQualifiedInTheMessageAndTheDetails() {
        StatusException e = StatusException.alreadyExists(DEPLOYMENTS, "web");

        assertThat(e.getMessage()).isEqualTo("deployments.apps \"web\" already exists");
        assertThat(e.code()).isEqualTo(409);
        assertThat(e.status().toJson()).contains("\"details\":{\"name\":\"web\",\"group\":\"apps\",\"kind\":\"deployments\"}");
    }

    @Test
    void aNameIsQuotedTheWayGoQuotesIt() {
        assertThat(StatusException.notFound(PODS, "a\"b\\c\n").getMessage())
                .isEqualTo("pods \"a\\\"b\\\\c\\n\" not found");
    }

    @Test
    void aStaleUpdateIsAConflictAskingToRetryOnTheLatestVersion() {
        StatusException e = StatusException.optimisticLockConflict(PODS, "foo");

        assertThat(e.code()).isEqualTo(409);
        assertThat(e.reason()).isEqualTo(StatusReason.CONFLICT);
        assertThat(e.getMessage()).isEqualTo("Operation cannot be fulfilled on pods \"foo\": the object has been "
                + "modified; please apply your changes to the latest version and try again");
    }

    @Test
    void anInvalidObjectWithOneErrorHasTheBareErrorInItsMessage() {
        StatusException e = StatusException.invalid(GroupKind.core("Pod"), "foo",
                List.of(FieldError.required(FieldPath.of("spec", "containers").index(0).child("image"), "")));

        assertThat(e.code()).isEqualTo(422);
        assertThat(e.getMessage()).isEqualTo("Pod \"foo\" is invalid: spec.containers[0].image: Required value");
        assertThat(e.status().toJson()).isEqualTo(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                        + "\"message\":\"Pod \\\"foo\\\" is invalid: spec.containers[0].image: Required value\","
                        + "\"reason\":\"Invalid\",\"details\":{\"name\":\"foo\",\"kind\":\"Pod\",\"causes\":"
                        + "[{\"reason\":\"FieldValueRequired\",\"message\":\"Required value\","
                        + "\"field\":\"spec.containers[0].image\"}]},\"code\":422}");
    }

    @Test
    void anInvalidObjectWithSeveralErrorsListsThemInBracketsOnceEach() {
        FieldPath labels = FieldPath.of("metadata", "labels");
        List<FieldError> errors = List.of(
                FieldError.invalid(FieldPath.of("metadata", "name"), "Foo", "must be lowercase"),
                FieldError.notSupported(FieldPath.of("spec", "restartPolicy"), "Sometimes", List.of("Always", "OnFailure", "Never")),
                FieldError.invalid(FieldPath.of("metadata", "name"), "Foo", "must be lowercase"),
                FieldError.forbidden(labels.key("app"), "may not be set"));

        StatusException e = StatusException.invalid(new GroupKind("apps", "Deployment"), "Foo", errors);

        assertThat(e.getMessage()).isEqualTo("Deployment.apps \"Foo\" is invalid: ["
                + "metadata.name: Invalid value: \"Foo\": must be lowercase, "
                + "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\", "
                + "metadata.labels[app]: Forbidden: may not be set]");
        assertThat(e.status().causes()).hasSize(4);
        assertThat(e.status().details().group()).isEqualTo("apps");
        assertThat(e.status().details().kind()).isEqualTo("Deployment");
    }

    @Test
    void anInvalidObjectWithoutErrorsSaysOnlyThatItIsInvalid() {
        assertThat(StatusException.invalid(GroupKind.core("Pod"), "foo", List.of()).getMessage())
                .isEqualTo("Pod \"foo\" is invalid");
    }

    @Test
    void creatingInATerminatingNamespaceIsForbiddenWithTheNamespaceCause() {
        StatusException e = StatusException.namespaceTerminating(GroupResource.core("configmaps"), "cfg", "team-a");

        assertThat(e.code()).isEqualTo(403);
        assertThat(e.getMessage()).isEqualTo("configmaps \"cfg\" is forbidden: unable to create new content in "
                + "namespace team-a because it is being terminated");
        assertThat(e.status().causes()).containsExactly(new StatusCause(CauseType.NAMESPACE_TERMINATING,
                "namespace team-a is being terminated", "metadata.namespace"));
    }

    @Test
    void forbiddenWordsItselfByWhatIsKnown() {
        assertThat(StatusException.forbidden(PODS, "", "no").getMessage()).isEqualTo("pods is forbidden: no");
        assertThat(StatusException.forbidden(new GroupResource("", ""), "", "no").getMessage()).isEqualTo("forbidden: no");
    }

    @Test
    void clientErrorsCarryTheirCodesAndWords() {
        assertThat(StatusException.methodNotSupported(PODS, "deletecollection").status().toJson())
                .contains("\"message\":\"deletecollection is not supported on resources of kind \\\"pods\\\"\"")
                .contains("\"reason\":\"MethodNotAllowed\"").contains("\"code\":405");
        assertThat(StatusException.notAcceptable(List.of("application/json", "application/yaml")).getMessage())
                .isEqualTo("only the following media types are accepted: application/json, application/yaml");
        assertThat(StatusException.notAcceptable(List.of()).code()).isEqualTo(406);
        assertThat(StatusException.unsupportedMediaType(List.of("application/json")).code()).isEqualTo(415);
        assertThat(StatusException.requestEntityTooLarge(3L * 1024 * 1024).getMessage())
                .isEqualTo("Request entity too large: limit is 3145728");
        assertThat(StatusException.requestEntityTooLarge(1).code()).isEqualTo(413);
        assertThat(StatusException.badRequest("bad").status().toJson()).isEqualTo(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                        + "\"message\":\"bad\",\"reason\":\"BadRequest\",\"code\":400}");
    }

    @Test
    void aBodyThatDoesNotFitTheUrlIsABadRequestInKubernetesWords() {
        assertThat(StatusException.apiVersionMismatch("apps/v1", "v1").getMessage())
                .isEqualTo("the API version in the data (apps/v1) does not match the expected API version (v1)");
        assertThat(StatusException.namespaceMismatch().code()).isEqualTo(400);
        assertThat(StatusException.nameMismatch("a", "b").getMessage())
                .isEqualTo("the name of the object (a) does not match the name on the URL (b)");
        assertThat(StatusException.objectNamespaceMismatch("x", "y").getMessage())
                .isEqualTo("the namespace of the object (x) does not match the namespace on the request (y)");
        assertThat(StatusException.cannotBeHandledAs("Service", "v1", "Pod", "boom").getMessage())
                .isEqualTo("Service in version \"v1\" cannot be handled as a Pod: boom");
        assertThat(StatusException.unrecognizedObject("Pod", "bad", "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"x\":1}".getBytes()).getMessage())
                .isEqualTo("the object provided is unrecognized (must be of type Pod): bad ({\"apiVersion\":\"v1\",\"kind\":\"Pod ...)");
        assertThat(StatusException.unrecognizedObject("Pod", "bad", "[1]".getBytes()).getMessage()).endsWith("(5b315d)");
        assertThat(StatusException.unrecognizedObject("Pod", "bad", new byte[0]).getMessage()).endsWith("(<empty>)");
    }

    @Test
    void aFailedPreconditionIsAConflictCarryingTheStorageText() {
        assertThat(StatusException.uidPreconditionFailed(PODS, "foo", "/registry/pods/default/foo", "a", "b").getMessage())
                .isEqualTo("Operation cannot be fulfilled on pods \"foo\": StorageError: invalid object, Code: 4, "
                        + "Key: /registry/pods/default/foo, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: "
                        + "UID in precondition: a, UID in object meta: b");
        assertThat(StatusException.resourceVersionPreconditionFailed(PODS, "foo", "k", "1", "2").code()).isEqualTo(409);
    }

    @Test
    void aWatchFromBeforeTheCacheWindowIsExpired() {
        StatusException e = StatusException.tooOldResourceVersion(5, 12);

        assertThat(e.code()).isEqualTo(410);
        assertThat(e.reason()).isEqualTo(StatusReason.EXPIRED);
        assertThat(e.getMessage()).isEqualTo("too old resource version: 5 (12)");
        assertThat(StatusException.gone("x").reason().wireName()).isEqualTo("Gone");
    }

    @Test
    void anExpiredContinueTokenOffersAFreshTokenInTheMetadata() {
        Status s = StatusException.continueExpired("abc").status();

        assertThat(s.code()).isEqualTo(410);
        assertThat(s.toJson()).startsWith("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{\"continue\":\"abc\"},");
        assertThat(s.message()).contains("use the continue token in this response");
    }

    @Test
    void tooManyRequestsCarriesTheRetryDelay() {
        assertThat(StatusException.tooManyRequests("slow down", 3).status().toJson()).isEqualTo(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                        + "\"message\":\"slow down\",\"reason\":\"TooManyRequests\","
                        + "\"details\":{\"retryAfterSeconds\":3},\"code\":429}");
    }

    @Test
    void anInternalErrorRepeatsItsReasonAsACause() {
        assertThat(StatusException.internalError("boom").status().toJson()).isEqualTo(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                        + "\"message\":\"Internal error occurred: boom\",\"reason\":\"InternalError\","
                        + "\"details\":{\"causes\":[{\"message\":\"boom\"}]},\"code\":500}");
        assertThat(StatusException.serviceUnavailable("later").code()).isEqualTo(503);
    }

    @Test
    void aResourceVersionAheadOfTheServerTimesOutWithTheTooLargeCause() {
        assertThat(StatusException.tooLargeResourceVersion(20, 10, 1).status().toJson()).isEqualTo(
                "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                        + "\"message\":\"Timeout: Too large resource version: 20, current: 10\",\"reason\":\"Timeout\","
                        + "\"details\":{\"causes\":[{\"reason\":\"ResourceVersionTooLarge\","
                        + "\"message\":\"Too large resource version\"}],\"retryAfterSeconds\":1},\"code\":504}");
    }

    @Test
    void aTimeoutWithoutRetryDelayStillHasEmptyDetails() {
        assertThat(StatusException.timeout("slow", 0).status().toJson())
                .contains("\"message\":\"Timeout: slow\",\"reason\":\"Timeout\",\"details\":{},\"code\":504");
    }

    @Test
    void aCompactedRevisionIsExpiredWordedForListsOrForWatches() {
        StorageException compacted = StorageException.compacted(3, 10);

        StatusException list = StatusException.fromStorage(compacted, PODS, StorageOperation.LIST);
        StatusException watch = StatusException.fromStorage(compacted, PODS, StorageOperation.WATCH);

        assertThat(list.code()).isEqualTo(410);
        assertThat(list.reason()).isEqualTo(StatusReason.EXPIRED);
        assertThat(list.getMessage()).isEqualTo("The resourceVersion for the provided list is too old.");
        assertThat(watch.getMessage()).isEqualTo("The resourceVersion for the provided watch is too old.");
        assertThat(list.getCause()).isSameAs(compacted);
    }

    @Test
    void anUnreachableStoreIsAServerTimeoutNamingTheOperation() {
        StatusException e = StatusException.fromStorage(
                new StorageException(StorageException.Kind.UNAVAILABLE, "store closed"), PODS, StorageOperation.GET);

        assertThat(e.code()).isEqualTo(500);
        assertThat(e.reason()).isEqualTo(StatusReason.SERVER_TIMEOUT);
        assertThat(e.getMessage()).isEqualTo(
                "The get operation against pods could not be completed at this time, please try again.");
        assertThat(e.status().details()).isEqualTo(new StatusDetails("get", "", "pods", "", List.of(), 2));
    }

    @Test
    void otherStorageFailuresMapToTheirCodes() {
        assertThat(StatusException.fromStorage(StorageException.requestTooLarge(2_000_000, 1_572_864), PODS,
                StorageOperation.CREATE).code()).isEqualTo(413);
        StatusException future = StatusException.fromStorage(StorageException.futureRevision(20, 10), PODS,
                StorageOperation.LIST);
        assertThat(future.code()).isEqualTo(504);
        assertThat(future.getMessage()).isEqualTo("Timeout: Too large resource version: 20, current: 10");
        StatusException internal = StatusException.fromStorage(
                new StorageException(StorageException.Kind.CORRUPTED, "bad block in 000012.sst"), PODS,
                StorageOperation.GET);
        assertThat(internal.code()).isEqualTo(500);
        assertThat(internal.getMessage()).isEqualTo("Internal error occurred: bad block in 000012.sst");
    }

    @Test
    void anyOtherErrorBecomesABare500WithItsText() {
        Status s = StatusException.statusOf(new IllegalStateException("etcdserver: request timed out"));

        assertThat(s.toJson()).isEqualTo("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
                + "\"status\":\"Failure\",\"message\":\"etcdserver: request timed out\",\"code\":500}");
        assertThat(StatusException.statusOf(StatusException.notFound(PODS, "x")).code()).isEqualTo(404);
        assertThat(StatusException.statusOf(new StatusException(Status.success(0, null))).code()).isEqualTo(200);
    }

    @Test
    void theRetryDelayIsThereForTheRetryAfterHeader() {
        assertThat(StatusException.tooManyRequests("x", 5).status().retryAfterSeconds()).isEqualTo(5);
        assertThat(StatusException.badRequest("x").status().retryAfterSeconds()).isZero();
    }

    @Test
    void clientErrorsAreCheapWithoutAStackTrace() {
        assertThat(StatusException.notFound(PODS, "x").getStackTrace()).isEmpty();
        assertThat(StatusException.internalError("x").getStackTrace()).isNotEmpty();
    }

    @Test
    void stringsAreEscapedAsGoEscapesThemAndTheBodyEndsWithANewline() {
        Status s = StatusException.badRequest("unable to parse requirement: <nil>: a & b \u2028\u0001\n").status();

        assertThat(s.toJson()).contains("\"message\":\"unable to parse requirement: \\u003cnil\\u003e: a \\u0026 b "
                + "\\u2028\\u0001\\n\"");
        assertThat(new String(s.toResponseBody(), java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(s.toJson() + "\n");
        assertThat(StatusException.notFound(PODS, "caf\u00e9").status().toJson()).contains("caf\u00e9");
    }

    @Test
    void everyDetailIsWrittenInKubernetesOrder() {
        Status s = Status.success(200, new StatusDetails("web", "apps", "deployments", "u-1",
                List.of(new StatusCause(CauseType.FIELD_VALUE_INVALID, "m", "f")), 7));

        assertThat(s.toJson()).isEqualTo("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
                + "\"status\":\"Success\",\"details\":{\"name\":\"web\",\"group\":\"apps\",\"kind\":\"deployments\","
                + "\"uid\":\"u-1\",\"causes\":[{\"reason\":\"FieldValueInvalid\",\"message\":\"m\",\"field\":\"f\"}],"
                + "\"retryAfterSeconds\":7},\"code\":200}");
    }

    @Test
    void aStatusReadsBackFromItsJson() throws Exception {
        Status original = StatusException.invalid(GroupKind.core("Pod"), "foo",
                List.of(FieldError.required(FieldPath.of("spec"), ""))).status();
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(original.toJson());

        assertThat(Status.fromJson(node)).isEqualTo(original);
    }
}
