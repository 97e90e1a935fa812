package dev.caravel.benchmarks.throughput;

import java.nio.charset.StandardCharsets;

/**
 * The ConfigMap every create sends: shaped like one an application's Helm chart ships (the
 * recommended app.kubernetes.io labels, a checksum annotation, a properties file, a few flags),
 * about 1.7 KiB of JSON. Only the name differs between requests.
 */
final class ConfigMaps {

    private ConfigMaps() {}

    private static final String PROPERTIES = String.join("\\n",
            "server.port=8080",
            "server.shutdown=graceful",
            "management.endpoints.web.exposure.include=health,info,prometheus",
            "management.endpoint.health.probes.enabled=true",
            "spring.datasource.url=jdbc:postgresql://orders-db.shop.svc.cluster.local:5432/orders",
            "spring.datasource.hikari.maximum-pool-size=20",
            "spring.jpa.open-in-view=false",
            "spring.kafka.bootstrap-servers=kafka-0.kafka-headless.messaging.svc:9092,kafka-1.kafka-headless.messaging.svc:9092",
            "spring.kafka.consumer.group-id=orders",
            "orders.payment.endpoint=http://payments.shop.svc.cluster.local:8080/api/v2/charges",
            "orders.payment.timeout=5s",
            "orders.inventory.endpoint=http://inventory.shop.svc.cluster.local:8080/api/v1/reservations",
            "orders.retry.max-attempts=3",
            "orders.retry.backoff=200ms",
            "logging.level.root=INFO",
            "logging.level.com.example.orders=DEBUG");

    static byte[] body(String name) {
        String json = """
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"%s","namespace":"default",\
                "labels":{"app.kubernetes.io/name":"orders","app.kubernetes.io/instance":"orders-prod",\
                "app.kubernetes.io/version":"2.14.3","app.kubernetes.io/component":"backend",\
                "app.kubernetes.io/part-of":"shop","app.kubernetes.io/managed-by":"Helm","helm.sh/chart":"orders-2.14.3"},\
                "annotations":{"meta.helm.sh/release-name":"orders-prod","meta.helm.sh/release-namespace":"default",\
                "checksum/config":"6f1ed002ab5595859014ebf0951522d9b1f0a6c7d4e2f3a8b9c0d1e2f3a4b5c6"}},\
                "data":{"application.properties":"%s","LOG_FORMAT":"json","FEATURE_NEW_CHECKOUT":"true",\
                "JAVA_TOOL_OPTIONS":"-XX:MaxRAMPercentage=75 -XX:+ExitOnOutOfMemoryError"}}"""
                .formatted(name, PROPERTIES);
        return json.getBytes(StandardCharsets.UTF_8);
    }
}
