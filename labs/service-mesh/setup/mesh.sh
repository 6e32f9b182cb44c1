# The mesh in its "before" state (the setup of step 1): the shop's two versions and a caller,
# each pod with its sidecar `proxy` (mesh-proxy:1, HAProxy) configured from a ConfigMap, but
# nothing forces the traffic through the sidecars yet: the apps listen on 0.0.0.0:8000 and the
# Services shop-v1/shop-v2 send port 80 straight to the app's port 8000. web's outbound sidecar
# (127.0.0.1:15001) sends everything to shop-v1.
set -e
kubectl apply -f - <<'YAML'
apiVersion: v1
kind: ConfigMap
metadata:
  name: shop-proxy
data:
  # The inbound sidecar of every shop pod: :15006 (Envoy's inbound port under Istio) to the app
  # on 127.0.0.1:8000, marking each answer with the pod's name.
  haproxy.cfg: |
    global
        log stdout format raw local0 notice
    defaults
        mode http
        log global
        timeout connect 2s
        timeout client 30s
        timeout server 30s
    frontend inbound
        bind :15006
        http-response set-header x-mesh-proxy "%[env(POD_NAME)]"
        default_backend app
    backend app
        server app 127.0.0.1:8000
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-proxy
data:
  # The outbound sidecar of web: the app calls 127.0.0.1:15001 (Envoy's outbound port), the
  # sidecar picks the version. The Services shop-v1 and shop-v2 are the two subsets.
  haproxy.cfg: |
    global
        log stdout format raw local0 notice
    defaults
        mode http
        log global
        timeout connect 2s
        timeout client 30s
        timeout server 30s
    frontend outbound
        bind 127.0.0.1:15001
        default_backend shop_v1
    backend shop_v1
        server v1 shop-v1:80
    backend shop_v2
        server v2 shop-v2:80
YAML
for v in 1 2; do
  replicas=$([ $v = 1 ] && echo 2 || echo 1)
  kubectl apply -f - <<YAML
apiVersion: v1
kind: Service
metadata:
  name: shop-v$v
spec:
  selector: { app: shop, version: v$v }
  ports:
    - { name: http, port: 80, targetPort: 8000 }
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop-v$v
  labels: { app: shop, version: v$v }
spec:
  replicas: $replicas
  selector:
    matchLabels: { app: shop, version: v$v }
  template:
    metadata:
      labels: { app: shop, version: v$v }
    spec:
      terminationGracePeriodSeconds: 2
      containers:
        - name: app
          image: shop:$v.0
          env:
            - { name: SHOP_VERSION, value: "$v.0" }
            - name: SHOP_INSTANCE
              valueFrom: { fieldRef: { fieldPath: metadata.name } }
        - name: proxy
          image: mesh-proxy:1
          env:
            - name: POD_NAME
              valueFrom: { fieldRef: { fieldPath: metadata.name } }
          ports:
            - { name: inbound, containerPort: 15006 }
          volumeMounts:
            - { name: mesh, mountPath: /etc/mesh }
      volumes:
        - name: mesh
          configMap: { name: shop-proxy }
YAML
done
kubectl apply -f - <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: { app: web }
spec:
  replicas: 1
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      terminationGracePeriodSeconds: 1
      containers:
        # The caller: python3 and curl, nothing listening; it reaches the shop only through
        # its sidecar at 127.0.0.1:15001.
        - name: app
          image: shop:1.0
          command: [sleep, infinity]
        - name: proxy
          image: mesh-proxy:1
          volumeMounts:
            - { name: mesh, mountPath: /etc/mesh }
      volumes:
        - name: mesh
          configMap: { name: web-proxy }
YAML
for d in shop-v1 shop-v2 web; do kubectl rollout status deployment "$d" --timeout=280s; done
