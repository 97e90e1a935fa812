package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.resource.GroupVersion;
import dev.caravel.apiserver.resource.ResourceCatalogue;
import dev.caravel.apiserver.validation.ObjectValidator;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ServiceStrategyTest {

    private static final GenericStore.Manager MANAGER = GenericStore.Manager.update("test");

    private KeyValueStore kv;
    private GenericStore services;

    @BeforeEach
    void setUp() {
        kv = MemoryStore.open();
        services = servicesOver(kv);
    }

    private static GenericStore servicesOver(KeyValueStore kv) {
        ResourceCatalogue catalogue = ResourceCatalogue.builtIn();
        Registry registry = new Registry(kv, catalogue, ObjectValidator.kubernetes(), Clock.systemUTC());
        registry.createSystemNamespaces();
        return registry.store(catalogue.snapshot().resource(new GroupVersion("", "v1"), "services").orElseThrow());
    }

    private static ObjectNode service(String name, String spec) {
        try {
            ObjectNode service = (ObjectNode) StoredObjects.JSON.readTree("{\"spec\":" + spec + "}");
            service.putObject("metadata").put("name", name);
            return service;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static final String PORTS = "\"ports\":[{\"port\":80}]";

    private ObjectNode create(String name, String spec) {
        return services.create("default", service(name, spec), false, MANAGER);
    }

    private static long ip(JsonNode service) {
        return ServiceAllocator.parse(service.path("spec").path("clusterIP").asText());
    }

    @Test
    void clusterIpServiceGetsAnAddressOfTheRangeAsSingleStackIpv4() {
        JsonNode spec = create("web", "{" + PORTS + "}").path("spec");
        String ip = spec.path("clusterIP").asText();
        assertThat(ServiceAllocator.inRange(ip)).isTrue();
        assertThat(ip).startsWith("10.").isNotEqualTo("10.96.0.1");
        assertThat(ServiceAllocator.parse(ip) >> 20).isEqualTo(ServiceAllocator.parse("10.96.0.0") >> 20);
        assertThat(spec.path("clusterIPs").toString()).isEqualTo("[\"" + ip + "\"]");
        assertThat(spec.path("ipFamilies").toString()).isEqualTo("[\"IPv4\"]");
        assertThat(spec.path("ipFamilyPolicy").asText()).isEqualTo("SingleStack");
    }

    @Test
    void kubernetesServiceInDefaultGetsTheFirstAddress() {
        assertThat(create("kubernetes", "{" + PORTS + "}").path("spec").path("clusterIP").asText()).isEqualTo("10.96.0.1");
    }

    @Test
    void headlessServiceKeepsNone() {
        JsonNode spec = create("db", "{\"clusterIP\":\"None\"," + PORTS + "}").path("spec");
        assertThat(spec.path("clusterIP").asText()).isEqualTo("None");
        assertThat(spec.path("clusterIPs").toString()).isEqualTo("[\"None\"]");
    }

    @Test
    void externalNameServiceGetsNoAddress() {
        JsonNode spec = create("ext", "{\"type\":\"ExternalName\",\"externalName\":\"example.com\"}").path("spec");
        assertThat(spec.has("clusterIP")).isFalse();
        assertThat(spec.has("clusterIPs")).isFalse();
    }

    @Test
    void requestedFreeAddressIsKept() {
        assertThat(create("web", "{\"clusterIP\":\"10.96.100.7\"," + PORTS + "}").path("spec").path("clusterIP").asText())
                .isEqualTo("10.96.100.7");
    }

    @Test
    void requestedTakenAddressIsInvalid() {
        create("a", "{\"clusterIP\":\"10.96.100.7\"," + PORTS + "}");
        assertThatThrownBy(() -> create("b", "{\"clusterIP\":\"10.96.100.7\"," + PORTS + "}"))
                .isInstanceOfSatisfying(StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(422);
                    assertThat(e.getMessage()).isEqualTo("Service \"b\" is invalid: spec.clusterIPs: Invalid value: "
                            + "[]string{\"10.96.100.7\"}: failed to allocate IP 10.96.100.7: provided IP is already allocated");
                });
    }

    @Test
    void requestedAddressOutsideTheRangeIsInvalid() {
        assertThatThrownBy(() -> create("b", "{\"clusterIP\":\"10.0.0.10\"," + PORTS + "}"))
                .isInstanceOfSatisfying(StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(422);
                    assertThat(e.getMessage()).endsWith("spec.clusterIPs: Invalid value: []string{\"10.0.0.10\"}: "
                            + "failed to allocate IP 10.0.0.10: the provided IP (10.0.0.10) is not in the valid range. "
                            + "The range of valid IPs is 10.96.0.0/12");
                });
    }

    @Test
    void deletingAServiceFreesItsAddress() {
        create("a", "{\"clusterIP\":\"10.96.100.7\"," + PORTS + "}");
        services.delete("default", "a", dev.caravel.apiserver.request.DeleteOptions.defaults());
        assertThat(create("b", "{\"clusterIP\":\"10.96.100.7\"," + PORTS + "}").path("spec").path("clusterIP").asText())
                .isEqualTo("10.96.100.7");
    }

    @Test
    void failedCreateHoldsNoAddress() {
        create("a", "{" + PORTS + "}");
        assertThatThrownBy(() -> create("a", "{\"clusterIP\":\"10.96.100.8\"," + PORTS + "}"))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(409));
        assertThat(create("b", "{\"clusterIP\":\"10.96.100.8\"," + PORTS + "}").path("spec").path("clusterIP").asText())
                .isEqualTo("10.96.100.8");
    }

    @Test
    void allocationsSurviveARestart() {
        create("a", "{\"clusterIP\":\"10.96.100.7\"," + PORTS + "}");
        GenericStore restarted = servicesOver(kv);
        assertThatThrownBy(() -> restarted.create("default", service("b", "{\"clusterIP\":\"10.96.100.7\"," + PORTS + "}"),
                false, MANAGER)).isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(422));
    }

    @Test
    void clusterIpCannotChangeOnUpdate() {
        create("a", "{\"clusterIP\":\"10.96.100.7\"," + PORTS + "}");
        assertThatThrownBy(() -> services.update("default", "a", live -> {
            ((ObjectNode) live.path("spec")).put("clusterIP", "10.96.100.9");
            ((ObjectNode) live.path("spec")).putArray("clusterIPs").add("10.96.100.9");
            return live;
        }, GenericStore.Target.MAIN, false, false, MANAGER))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(422));
    }

    @Test
    void updateWithoutClusterIpKeepsTheAllocatedOne() {
        String ip = create("a", "{" + PORTS + "}").path("spec").path("clusterIP").asText();
        ObjectNode updated = services.update("default", "a", live -> {
            ((ObjectNode) live.path("spec")).remove(List.of("clusterIP", "clusterIPs"));
            ((ObjectNode) live.path("spec")).put("sessionAffinity", "ClientIP");
            return live;
        }, GenericStore.Target.MAIN, false, false, MANAGER);
        assertThat(updated.path("spec").path("clusterIP").asText()).isEqualTo(ip);
    }

    @Test
    void nodePortServicesGetUniquePortsInTheNodePortRange() {
        Set<Long> seen = new HashSet<>();
        for (int i = 0; i < 20; i++) {
            JsonNode spec = create("np" + i, "{\"type\":\"NodePort\",\"ports\":[{\"name\":\"a\",\"port\":80},"
                    + "{\"name\":\"b\",\"port\":81}]}").path("spec");
            for (JsonNode port : spec.path("ports")) {
                long nodePort = port.path("nodePort").asLong();
                assertThat(nodePort).isBetween(30000L, 32767L);
                assertThat(seen.add(nodePort)).isTrue();
            }
        }
    }

    @Test
    void requestedTakenNodePortIsInvalid() {
        create("a", "{\"type\":\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":30080}]}");
        assertThatThrownBy(() -> create("b", "{\"type\":\"NodePort\",\"ports\":[{\"port\":80,\"nodePort\":30080}]}"))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.getMessage()).isEqualTo(
                        "Service \"b\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated"));
    }

    @Test
    void clusterIpServicesGetNoNodePort() {
        assertThat(create("a", "{" + PORTS + "}").path("spec").path("ports").get(0).has("nodePort")).isFalse();
    }
}
