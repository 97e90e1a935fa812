package dev.caravel.apiserver.request;

import dev.caravel.apiserver.api.StatusException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestInfoTest {

    private static RequestInfo info(String method, String pathAndQuery) {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        QueryParameters query = QueryParameters.parse(q < 0 ? "" : pathAndQuery.substring(q + 1));
        return RequestInfo.parse(method, path, query);
    }

    @Test
    void gettingACollectionIsAList() {
        RequestInfo i = info("GET", "/api/v1/namespaces/default/pods");

        assertThat(i).isEqualTo(new RequestInfo(true, "/api/v1/namespaces/default/pods", "list", "api", "", "v1",
                "default", "pods", "", "", List.of("pods"), "", ""));
    }

    @Test
    void gettingACollectionWithWatchIsAWatchUnlessWatchIsFalse() {
        assertThat(info("GET", "/api/v1/pods?watch=true").verb()).isEqualTo("watch");
        assertThat(info("GET", "/api/v1/pods?watch=1").verb()).isEqualTo("watch");
        assertThat(info("GET", "/api/v1/pods?watch=").verb()).isEqualTo("watch");
        assertThat(info("GET", "/api/v1/pods?watch=false").verb()).isEqualTo("list");
        assertThat(info("GET", "/api/v1/pods?watch=FALSE").verb()).isEqualTo("list");
        assertThat(info("GET", "/api/v1/pods?watch=0").verb()).isEqualTo("list");
    }

    @Test
    void theLegacyWatchPrefixMakesAWatch() {
        RequestInfo i = info("GET", "/apis/apps/v1/watch/namespaces/ns/deployments/web");

        assertThat(i.verb()).isEqualTo("watch");
        assertThat(i.apiGroup()).isEqualTo("apps");
        assertThat(i.namespace()).isEqualTo("ns");
        assertThat(i.resource()).isEqualTo("deployments");
        assertThat(i.name()).isEqualTo("web");
        assertThat(info("GET", "/apis/apps/v1/watch/deployments").verb()).isEqualTo("watch");
    }

    @Test
    void aNamespaceIsItselfANamedResource() {
        RequestInfo i = info("GET", "/api/v1/namespaces/foo");

        assertThat(i.verb()).isEqualTo("get");
        assertThat(i.namespace()).isEqualTo("foo");
        assertThat(i.resource()).isEqualTo("namespaces");
        assertThat(i.name()).isEqualTo("foo");
        assertThat(info("GET", "/api/v1/namespaces").verb()).isEqualTo("list");
    }

    @Test
    void statusAndFinalizeAreSubresourcesOfTheNamespace() {
        RequestInfo status = info("PUT", "/api/v1/namespaces/foo/status");
        RequestInfo finalize = info("PUT", "/api/v1/namespaces/foo/finalize");

        assertThat(status.verb()).isEqualTo("update");
        assertThat(status.resource()).isEqualTo("namespaces");
        assertThat(status.name()).isEqualTo("foo");
        assertThat(status.subresource()).isEqualTo("status");
        assertThat(finalize.subresource()).isEqualTo("finalize");
    }

    @Test
    void methodsMapToVerbs() {
        assertThat(info("POST", "/api/v1/namespaces/default/pods").verb()).isEqualTo("create");
        assertThat(info("PUT", "/api/v1/namespaces/default/pods/p").verb()).isEqualTo("update");
        assertThat(info("PATCH", "/api/v1/namespaces/default/pods/p").verb()).isEqualTo("patch");
        assertThat(info("DELETE", "/api/v1/namespaces/default/pods/p").verb()).isEqualTo("delete");
        assertThat(info("DELETE", "/api/v1/namespaces/default/pods").verb()).isEqualTo("deletecollection");
        assertThat(info("HEAD", "/api/v1/namespaces/default/pods/p").verb()).isEqualTo("get");
        assertThat(info("OPTIONS", "/api/v1/namespaces/default/pods/p").verb()).isEmpty();
        assertThat(info("post", "/api/v1/namespaces/default/pods").verb()).isEmpty();
    }

    @Test
    void aSubresourceFollowsTheName() {
        RequestInfo i = info("POST", "/api/v1/namespaces/default/pods/p/binding");

        assertThat(i.subresource()).isEqualTo("binding");
        assertThat(i.parts()).containsExactly("pods", "p", "binding");
        assertThat(info("GET", "/apis/apps/v1/namespaces/d/deployments/web/scale").subresource()).isEqualTo("scale");
    }

    @Test
    void execAttachPortForwardAndProxyAreConnectRequests() {
        assertThat(info("POST", "/api/v1/namespaces/d/pods/p/exec?command=ls").isConnect()).isTrue();
        assertThat(info("GET", "/api/v1/namespaces/d/pods/p/exec").verb()).isEqualTo("get");
        assertThat(info("GET", "/api/v1/namespaces/d/services/s/proxy/metrics").isConnect()).isTrue();
        assertThat(info("GET", "/api/v1/nodes/n/proxy/stats").isConnect()).isTrue();
        assertThat(info("GET", "/api/v1/namespaces/d/pods/p/log").isConnect()).isFalse();
        assertThat(info("GET", "/api/v1/namespaces/d/pods/p").isConnect()).isFalse();
    }

    @Test
    void proxyKeepsEverythingAfterTheNameAsItsPath() {
        RequestInfo i = info("GET", "/api/v1/proxy/namespaces/default/pods/p/some/path");

        assertThat(i.verb()).isEqualTo("proxy");
        assertThat(i.name()).isEqualTo("p");
        assertThat(i.subresource()).isEmpty();
        assertThat(i.parts()).containsExactly("pods", "p", "some", "path");
    }

    @Test
    void aListNarrowedToOneNameByFieldSelectorNamesIt() {
        assertThat(info("GET", "/api/v1/namespaces/d/configmaps?fieldSelector=metadata.name%3Dcfg&watch=true").name())
                .isEqualTo("cfg");
        assertThat(info("GET", "/api/v1/namespaces/d/configmaps?fieldSelector=metadata.name%3Da%2Fb").name()).isEmpty();
        assertThat(info("GET", "/api/v1/namespaces/d/configmaps?fieldSelector=garbage").name()).isEmpty();
        assertThat(info("GET", "/api/v1/namespaces/d/configmaps?fieldSelector=metadata.name%3Dcfg").verb()).isEqualTo("list");
    }

    @Test
    void aNameIsNotTakenFromTheFieldSelectorWhenOtherOptionsDoNotDecode() {
        assertThat(info("GET", "/api/v1/namespaces/d/configmaps?fieldSelector=metadata.name%3Dcfg&limit=x").name()).isEmpty();
        assertThat(info("GET", "/api/v1/namespaces/d/configmaps?fieldSelector=metadata.name%3Dcfg&labelSelector=a+b").name())
                .isEmpty();
    }

    @Test
    void collectionRequestsCarryTheirSelectorsForAuthorization() {
        RequestInfo i = info("GET", "/api/v1/pods?labelSelector=foo%3D%3Dbar&fieldSelector=spec.nodeName%3Dn1");

        assertThat(i.parsedLabelSelector().requirements()).singleElement()
                .extracting(r -> r.operator()).isEqualTo(dev.caravel.apiserver.selection.LabelOperator.DOUBLE_EQUALS);
        assertThat(i.parsedFieldSelector()).hasToString("spec.nodeName=n1");
        assertThat(info("DELETE", "/api/v1/namespaces/d/pods?labelSelector=app").labelSelector()).isEqualTo("app");
        assertThat(info("GET", "/api/v1/namespaces/d/pods/p?labelSelector=app").labelSelector()).isEmpty();
        assertThat(info("GET", "/api/v1/pods").parsedLabelSelector().isEverything()).isTrue();
    }

    @Test
    void aSelectorAnAuthorizerCannotReadComesWithKubernetesParsingError() {
        assertThatThrownBy(() -> info("GET", "/apis/batch/v1/namespaces/myns/jobs?labelSelector=%2Abar").parsedLabelSelector())
                .hasMessage("unable to parse requirement: <nil>: Invalid value: \"*bar\": name part must consist of "
                        + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
                        + "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                        + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
        assertThatThrownBy(() -> info("GET", "/apis/batch/v1/namespaces/myns/jobs?fieldSelector=%2Abar").parsedFieldSelector())
                .hasMessage("invalid selector: '*bar'; can't understand '*bar'");
    }

    @Test
    void pathsOutsideTheApiAreNonResourceRequests() {
        for (String path : List.of("/healthz", "/version", "/openapi/v3", "/apis", "/api", "/api/v1", "/apis/apps",
                "/apis/apps/v1", "/", "/metrics")) {
            RequestInfo i = info("GET", path);
            assertThat(i.resourceRequest()).as(path).isFalse();
            assertThat(i.verb()).as(path).isEqualTo("get");
            assertThat(i.path()).isEqualTo(path);
        }
        assertThat(info("POST", "/apis/x").verb()).isEqualTo("post");
    }

    @Test
    void groupVersionDiscoveryIsAResourceRequestWithoutResource() {
        // Kubernetes' factory needs three segments after the prefix for a group, two for /api.
        assertThat(info("GET", "/apis/apps/v1/deployments").resourceRequest()).isTrue();
        assertThat(info("GET", "/api/v1/pods").apiGroup()).isEmpty();
    }

    @Test
    void aWatchPrefixWithNothingAfterItFails() {
        assertThatThrownBy(() -> info("GET", "/api/v1/watch"))
                .isInstanceOf(StatusException.class)
                .hasMessageContaining("unable to determine kind and namespace from url");
    }

    @Test
    void trailingSlashesDoNotMakeEmptySegments() {
        assertThat(info("GET", "/api/v1/namespaces/default/pods/").verb()).isEqualTo("list");
    }
}
