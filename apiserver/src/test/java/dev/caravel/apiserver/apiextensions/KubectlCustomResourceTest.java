package dev.caravel.apiserver.apiextensions;

import dev.caravel.apiserver.server.ClientCommand;
import dev.caravel.apiserver.server.ClientCommand.Result;
import dev.caravel.apiserver.server.LoopbackServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The real kubectl against an in-process server: a CRD applied, established, its resources used and deleted. */
class KubectlCustomResourceTest {

    private static LoopbackServer server;
    private static ClientCommand kubectl;

    @TempDir
    static Path dir;

    static final String CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: crontabs.stable.example.com
            spec:
              group: stable.example.com
              scope: Namespaced
              names:
                plural: crontabs
                singular: crontab
                kind: CronTab
                shortNames: [ct]
              versions:
              - name: v1
                served: true
                storage: true
                subresources:
                  status: {}
                  scale:
                    specReplicasPath: .spec.replicas
                    statusReplicasPath: .status.replicas
                additionalPrinterColumns:
                - name: Spec
                  type: string
                  jsonPath: .spec.cronSpec
                - name: Replicas
                  type: integer
                  jsonPath: .spec.replicas
                - name: Age
                  type: date
                  jsonPath: .metadata.creationTimestamp
                schema:
                  openAPIV3Schema:
                    type: object
                    description: CronTab runs an image on a schedule.
                    properties:
                      spec:
                        type: object
                        description: What to run and when.
                        properties:
                          cronSpec:
                            type: string
                            description: The schedule in cron format.
                          image:
                            type: string
                          replicas:
                            type: integer
                            minimum: 0
                            default: 1
                          ports:
                            type: array
                            x-kubernetes-list-type: map
                            x-kubernetes-list-map-keys: [name]
                            items:
                              type: object
                              required: [name]
                              properties:
                                name: {type: string}
                                port: {type: integer}
                      status:
                        type: object
                        properties:
                          replicas: {type: integer}
              - name: v1beta1
                served: true
                storage: false
                deprecated: true
                schema:
                  openAPIV3Schema:
                    type: object
                    x-kubernetes-preserve-unknown-fields: true
            """;

    static final String CRONTAB = """
            apiVersion: stable.example.com/v1
            kind: CronTab
            metadata:
              name: nightly
              namespace: jobs
            spec:
              cronSpec: "0 3 * * *"
              image: backup:1
              replicas: 2
            """;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackServer.start();
        kubectl = ClientCommand.kubectl(server.writeKubeconfig(dir.resolve("kubeconfig")), dir.resolve("home"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Result kubectl(String stdin, String... args) throws IOException, InterruptedException {
        return kubectl.runWithInput(stdin, args);
    }

    static Result ok(String stdin, String... args) throws Exception {
        return kubectl(stdin, args).requireSuccess();
    }

    @Test
    void aCrdAppliedWithKubectlServesItsResourceUntilItIsDeleted() throws Exception {
        assertThat(ok(CRD, "apply", "-f", "-").stdout())
                .contains("customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created");
        ok(null, "wait", "--for", "condition=established", "--timeout=10s", "crd/crontabs.stable.example.com");
        assertThat(ok(null, "api-resources", "--api-group=stable.example.com").stdout())
                .contains("crontabs").contains("ct").contains("stable.example.com/v1").contains("CronTab");
        ok(null, "create", "namespace", "jobs");

        assertThat(ok(CRONTAB, "apply", "-f", "-").stdout()).contains("crontab.stable.example.com/nightly created");
        Result table = ok(null, "-n", "jobs", "get", "crontabs");
        assertThat(table.stdout()).contains("NAME").contains("SPEC").contains("REPLICAS").contains("AGE");
        assertThat(table.stdout()).contains("nightly").contains("0 3 * * *").containsPattern("nightly\\s+0 3 \\* \\* \\*\\s+2\\s+");
        assertThat(ok(null, "-n", "jobs", "get", "ct", "nightly", "-o", "jsonpath={.apiVersion}").stdout())
                .isEqualTo("stable.example.com/v1");
        // served at the other version by the None converter: only apiVersion changes
        Result atBeta = ok(null, "-n", "jobs", "get", "crontabs.v1beta1.stable.example.com", "nightly",
                "-o", "jsonpath={.apiVersion} {.spec.image}");
        assertThat(atBeta.stdout()).isEqualTo("stable.example.com/v1beta1 backup:1");
        assertThat(atBeta.stderr()).contains("Warning: stable.example.com/v1beta1 CronTab is deprecated");
        // each version prints its own columns: v1beta1 declares none, so Name and Age
        assertThat(ok(null, "-n", "jobs", "get", "crontabs.v1beta1.stable.example.com").stdout().lines().findFirst().orElseThrow())
                .matches("NAME\\s+AGE");

        // kubectl apply of an unknown field: the server prunes it and kubectl fails in Strict mode
        Result unknown = kubectl(CRONTAB.replace("image: backup:1", "image: backup:1\n  colour: red"), "apply", "-f", "-");
        assertThat(unknown.exitCode()).as(unknown.describe()).isNotZero();
        assertThat(unknown.stderr()).contains("unknown field \"spec.colour\"");

        // validation by the schema
        Result invalid = kubectl(CRONTAB.replace("replicas: 2", "replicas: -1"), "apply", "-f", "-");
        assertThat(invalid.exitCode()).isNotZero();
        assertThat(invalid.stderr()).contains("The CronTab \"nightly\" is invalid")
                .contains("spec.replicas: Invalid value: -1: spec.replicas in body should be greater than or equal to 0");

        assertThat(ok(null, "-n", "jobs", "describe", "crontab", "nightly").stdout())
                .contains("Name:").contains("nightly").contains("API Version:  stable.example.com/v1")
                .contains("Cron Spec:").contains("0 3 * * *");

        ok(null, "-n", "jobs", "scale", "crontab", "nightly", "--replicas=5");
        assertThat(ok(null, "-n", "jobs", "get", "crontab", "nightly", "-o", "jsonpath={.spec.replicas}").stdout()).isEqualTo("5");

        // server-side apply, with the map list typed from the schema
        String applied = CRONTAB.replace("replicas: 2", "replicas: 5\n  ports:\n  - name: http\n    port: 80");
        assertThat(ok(applied, "apply", "--server-side", "-f", "-").stdout()).contains("crontab.stable.example.com/nightly serverside-applied");
        assertThat(ok(null, "-n", "jobs", "get", "crontab", "nightly", "-o", "jsonpath={.spec.ports[0].port}").stdout()).isEqualTo("80");

        // a server-side apply that creates an object gets the schema's defaults
        String hourly = CRONTAB.replace("nightly", "hourly").replace("  replicas: 2\n", "");
        assertThat(ok(hourly, "apply", "--server-side", "-f", "-").stdout()).contains("crontab.stable.example.com/hourly serverside-applied");
        assertThat(ok(null, "-n", "jobs", "get", "crontab", "hourly", "-o", "jsonpath={.spec.replicas}").stdout()).isEqualTo("1");

        // strategic merge patch is refused with 415, merge patch works
        Result strategic = kubectl(null, "-n", "jobs", "patch", "crontab", "nightly", "--type=strategic",
                "-p", "{\"spec\":{\"image\":\"backup:2\"}}");
        assertThat(strategic.exitCode()).isNotZero();
        assertThat(strategic.stderr()).contains("the body of the request was in an unknown format");
        ok(null, "-n", "jobs", "patch", "crontab", "nightly", "--type=merge", "-p", "{\"spec\":{\"image\":\"backup:2\"}}");
        assertThat(ok(null, "-n", "jobs", "get", "crontab", "nightly", "-o", "jsonpath={.spec.image}").stdout()).isEqualTo("backup:2");

        Result explain = ok(null, "explain", "crontabs.spec");
        assertThat(explain.stdout()).contains("CronTab").contains("cronSpec").contains("The schedule in cron format");

        assertThat(ok(null, "delete", "crd", "crontabs.stable.example.com").stdout())
                .contains("customresourcedefinition.apiextensions.k8s.io \"crontabs.stable.example.com\" deleted");
        assertThat(kubectl(null, "get", "crd", "crontabs.stable.example.com").exitCode()).isNotZero();
        // kubectl's discovery cache still knows the resource: the server answers 404
        Result gone = kubectl(null, "-n", "jobs", "get", "crontabs");
        assertThat(gone.exitCode()).isNotZero();
        assertThat(gone.stderr()).contains("NotFound");
        assertThat(ok(null, "api-resources").stdout()).doesNotContain("crontabs");
    }
}
