package dev.caravel.cli;

/**
 * A multi-document manifest as an application typically ships it (what `helm template` of a
 * small chart or a kustomize build prints): its namespace, service account, configuration and
 * secret, deployment, service, RBAC for reading its own configuration, ingress and disruption
 * budget. Every object carries the recommended app.kubernetes.io labels.
 */
final class AppManifest {

    private AppManifest() {}

    static final String NAMESPACE = "shop";

    /** The manifest with the deployment at {@code replicas} replicas. */
    static String orders(int replicas) {
        return """
                apiVersion: v1
                kind: Namespace
                metadata:
                  name: shop
                  labels:
                    app.kubernetes.io/part-of: shop
                ---
                apiVersion: v1
                kind: ServiceAccount
                metadata:
                  name: orders
                  namespace: shop
                  labels:
                    app.kubernetes.io/name: orders
                    app.kubernetes.io/part-of: shop
                ---
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: orders-config
                  namespace: shop
                  labels:
                    app.kubernetes.io/name: orders
                    app.kubernetes.io/part-of: shop
                data:
                  application.properties: |
                    server.port=8080
                    spring.datasource.url=jdbc:postgresql://orders-db.shop.svc:5432/orders
                    orders.retry.max-attempts=3
                  LOG_FORMAT: json
                ---
                apiVersion: v1
                kind: Secret
                metadata:
                  name: orders-db
                  namespace: shop
                  labels:
                    app.kubernetes.io/name: orders
                    app.kubernetes.io/part-of: shop
                type: Opaque
                stringData:
                  username: orders
                  password: s3cr3t-for-tests
                ---
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: orders
                  namespace: shop
                  labels:
                    app.kubernetes.io/name: orders
                    app.kubernetes.io/part-of: shop
                spec:
                  replicas: %d
                  revisionHistoryLimit: 5
                  selector:
                    matchLabels:
                      app.kubernetes.io/name: orders
                  strategy:
                    type: RollingUpdate
                    rollingUpdate: {maxSurge: 25%%, maxUnavailable: 0}
                  template:
                    metadata:
                      labels:
                        app.kubernetes.io/name: orders
                        app.kubernetes.io/part-of: shop
                    spec:
                      serviceAccountName: orders
                      securityContext: {runAsNonRoot: true, runAsUser: 10001}
                      containers:
                        - name: orders
                          image: ghcr.io/example/orders:2.14.3
                          ports:
                            - {name: http, containerPort: 8080}
                          envFrom:
                            - configMapRef: {name: orders-config}
                          env:
                            - name: DB_PASSWORD
                              valueFrom:
                                secretKeyRef: {name: orders-db, key: password}
                          resources:
                            requests: {cpu: 250m, memory: 256Mi}
                            limits: {memory: 512Mi}
                          readinessProbe:
                            httpGet: {path: /actuator/health/readiness, port: http}
                            periodSeconds: 5
                          livenessProbe:
                            httpGet: {path: /actuator/health/liveness, port: http}
                            initialDelaySeconds: 20
                ---
                apiVersion: v1
                kind: Service
                metadata:
                  name: orders
                  namespace: shop
                  labels:
                    app.kubernetes.io/name: orders
                    app.kubernetes.io/part-of: shop
                spec:
                  type: ClusterIP
                  selector:
                    app.kubernetes.io/name: orders
                  ports:
                    - {name: http, port: 80, targetPort: http}
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: Role
                metadata:
                  name: orders-config-reader
                  namespace: shop
                  labels:
                    app.kubernetes.io/name: orders
                    app.kubernetes.io/part-of: shop
                rules:
                  - apiGroups: [""]
                    resources: [configmaps]
                    verbs: [get, list, watch]
                ---
                apiVersion: rbac.authorization.k8s.io/v1
                kind: RoleBinding
                metadata:
                  name: orders-config-reader
                  namespace: shop
                  labels:
                    app.kubernetes.io/name: orders
                    app.kubernetes.io/part-of: shop
                roleRef:
                  apiGroup: rbac.authorization.k8s.io
                  kind: Role
                  name: orders-config-reader
                subjects:
                  - kind: ServiceAccount
                    name: orders
                    namespace: shop
                ---
                apiVersion: networking.k8s.io/v1
                kind: Ingress
                metadata:
                  name: orders
                  namespace: shop
                  labels:
                    app.kubernetes.io/name: orders
                    app.kubernetes.io/part-of: shop
                  annotations:
                    nginx.ingress.kubernetes.io/proxy-body-size: 8m
                spec:
                  ingressClassName: nginx
                  rules:
                    - host: orders.shop.example.com
                      http:
                        paths:
                          - path: /
                            pathType: Prefix
                            backend:
                              service:
                                name: orders
                                port: {name: http}
                ---
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata:
                  name: orders
                  namespace: shop
                  labels:
                    app.kubernetes.io/name: orders
                    app.kubernetes.io/part-of: shop
                spec:
                  minAvailable: 1
                  selector:
                    matchLabels:
                      app.kubernetes.io/name: orders
                """.formatted(replicas);
    }
}
