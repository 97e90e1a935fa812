package dev.caravel.apiserver.request;

import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.api.StatusReason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ListOptionsTest {

    private static ListOptions read(String query) {
        return ListOptions.fromQuery(QueryParameters.parse(query));
    }

    private static void assertRejected(String query, int code, String message) {
        assertThatThrownBy(() -> read(query))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(code))
                .hasMessage(message);
    }

    @Test
    void everyParameterIsRead() {
        ListOptions o = read("labelSelector=app%3Dweb&fieldSelector=spec.nodeName%3Dn1&resourceVersion=42"
                + "&resourceVersionMatch=NotOlderThan&limit=500&timeoutSeconds=30");

        assertThat(o.labelSelector()).hasToString("app=web");
        assertThat(o.fieldSelector()).hasToString("spec.nodeName=n1");
        assertThat(o.resourceVersion()).isEqualTo("42");
        assertThat(o.resourceVersionNumber()).isEqualTo(42);
        assertThat(o.resourceVersionMatch()).isEqualTo(ResourceVersionMatch.NOT_OLDER_THAN);
        assertThat(o.limit()).isEqualTo(500);
        assertThat(read("limit=2&continue=abc%3D").continueToken()).isEqualTo("abc=");
        assertThat(o.timeoutSeconds()).isEqualTo(30);
        assertThat(o.watch()).isFalse();
        assertThat(o.sendInitialEvents()).isNull();
    }

    @Test
    void noParametersIsAPlainConsistentList() {
        assertThat(read("")).isEqualTo(ListOptions.defaults());
    }

    @Test
    void aWatchFromNothingOrZeroBecomesAStreamingListWithWatchListOn() {
        ListOptions o = read("watch=true&allowWatchBookmarks=true");

        assertThat(o.sendInitialEvents()).isTrue();
        assertThat(o.resourceVersionMatch()).isEqualTo(ResourceVersionMatch.NOT_OLDER_THAN);
        assertThat(o.isStreamingList()).isTrue();
        assertThat(o.allowWatchBookmarks()).isTrue();
        assertThat(read("watch=true&resourceVersion=7").sendInitialEvents()).isNull();
        assertThat(ListOptions.fromQuery(QueryParameters.parse("watch=true"), false).sendInitialEvents()).isNull();
    }

    @Test
    void anExplicitStreamingListIsAccepted() {
        ListOptions o = read("watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&resourceVersion=");

        assertThat(o.isStreamingList()).isTrue();
    }

    @Test
    void aMalformedNumberIsABadRequestInGoWords() {
        assertRejected("limit=ten", 400, "strconv.ParseInt: parsing \"ten\": invalid syntax");
        assertRejected("timeoutSeconds=0.1s", 400, "strconv.ParseInt: parsing \"0.1s\": invalid syntax");
        assertRejected("limit=99999999999999999999", 400, "strconv.ParseInt: parsing \"99999999999999999999\": value out of range");
        assertRejected("limit=", 400, "strconv.ParseInt: parsing \"\": invalid syntax");
    }

    @Test
    void aMalformedSelectorIsABadRequestWithTheParserMessage() {
        assertRejected("labelSelector=a%20in%20b", 400, "unable to parse requirement: found 'b' expected: '('");
        assertRejected("fieldSelector=a", 400, "invalid selector: 'a'; can't understand 'a'");
    }

    @Test
    void resourceVersionMatchWithoutResourceVersionIsInvalid() {
        assertThatThrownBy(() -> read("resourceVersionMatch=Exact"))
                .isInstanceOfSatisfying(StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(422);
                    assertThat(e.reason()).isEqualTo(StatusReason.INVALID);
                    assertThat(e.status().details().group()).isEqualTo("meta.k8s.io");
                    assertThat(e.status().details().kind()).isEqualTo("ListOptions");
                })
                .hasMessage("ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: "
                        + "resourceVersionMatch is forbidden unless resourceVersion is provided");
    }

    @Test
    void listValidationReportsEveryProblemAsKubernetesOrdersThem() {
        assertRejected("resourceVersionMatch=Newest&continue=x&sendInitialEvents=true", 422,
                "ListOptions.meta.k8s.io \"\" is invalid: ["
                        + "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless resourceVersion is provided, "
                        + "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided, "
                        + "resourceVersionMatch: Unsupported value: \"Newest\": supported values: \"Exact\", \"NotOlderThan\", \"\", "
                        + "sendInitialEvents: Forbidden: sendInitialEvents is forbidden for list]");
        assertRejected("resourceVersion=0&resourceVersionMatch=Exact", 422,
                "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: "
                        + "resourceVersionMatch \"exact\" is forbidden for resourceVersion \"0\"");
    }

    @Test
    void watchValidationRequiresNotOlderThanForStreamingLists() {
        assertRejected("watch=true&sendInitialEvents=true&resourceVersion=5", 422,
                "ListOptions.meta.k8s.io \"\" is invalid: resourceVersionMatch: Forbidden: "
                        + "sendInitialEvents requires setting resourceVersionMatch to NotOlderThan");
        assertRejected("watch=true&resourceVersion=5&resourceVersionMatch=Exact", 422,
                "ListOptions.meta.k8s.io \"\" is invalid: ["
                        + "resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden for watch unless sendInitialEvents is provided, "
                        + "resourceVersionMatch: Unsupported value: \"Exact\": supported values: \"NotOlderThan\"]");
        assertThatThrownBy(() -> ListOptions.fromQuery(QueryParameters.parse(
                "watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan"), false))
                .hasMessageContaining("sendInitialEvents is forbidden for watch unless the WatchList feature gate is enabled");
    }

    @Test
    void aResourceVersionThatIsNoRevisionIsABadRequest() {
        assertThatThrownBy(() -> read("resourceVersion=cool").resourceVersionNumber())
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(400))
                .hasMessage("resourceVersion: Invalid value: \"cool\": strconv.ParseUint: parsing \"cool\": invalid syntax");
        assertThat(read("resourceVersion=0").resourceVersionNumber()).isZero();
    }

    @Test
    void queryValuesAreDecodedLikeGoDecodesThem() {
        QueryParameters q = QueryParameters.parse("a=x+y&b=%41%2c&c&dryRun=All&dryRun=x&bad=%zz&e=1;f=2");

        assertThat(q.first("a")).isEqualTo("x y");
        assertThat(q.first("b")).isEqualTo("A,");
        assertThat(q.first("c")).isEmpty();
        assertThat(q.all("dryRun")).containsExactly("All", "x");
        assertThat(q.has("bad")).isFalse();
        assertThat(q.has("e")).isFalse();
        assertThat(q.first("missing")).isNull();
        assertThat(QueryParameters.parse("n=caf%C3%A9&m=\u00e9\ud83d\ude00%21").first("m")).isEqualTo("\u00e9\ud83d\ude00!");
        assertThat(QueryParameters.parse("n=caf%C3%A9").first("n")).isEqualTo("caf\u00e9");
    }
}
