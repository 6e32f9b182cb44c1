# The setup of step `retries`: the mesh's "control plane" now tells web's sidecar every shop pod,
# as istiod does over EDS. Headless Services shop-v1-pods and shop-v2-pods give one DNS address
# per ready pod; web's sidecar resolves them itself (resolvers kube, from the pod's resolv.conf)
# and fills one server per pod (server-template), where so far it had one server per version
# and kube-proxy picked the pod. A retry can then go to another pod of the same version, which
# is what Envoy does. The learner's frontend (the split) is kept; the part from `resolvers kube`
# on is rewritten.
set -e
for v in v1 v2; do
  kubectl apply -f - <<YAML
apiVersion: v1
kind: Service
metadata:
  name: shop-$v-pods
spec:
  clusterIP: None
  selector: { app: shop, version: $v }
  ports:
    - { name: http, port: 15006, targetPort: 15006 }
YAML
done
tail='
resolvers kube
    parse-resolv-conf
    hold valid 5s
backend shop_v1
    server-template v1- 4 shop-v1-pods.default.svc.cluster.local:15006 resolvers kube init-addr none
backend shop_v2
    server-template v2- 4 shop-v2-pods.default.svc.cluster.local:15006 resolvers kube init-addr none
'
kubectl get configmap web-proxy -o json |
  jq --arg tail "$tail" '.data["haproxy.cfg"] |= (sub("\n(resolvers kube|backend shop_v1)(.|\n)*$"; "") + $tail)' |
  kubectl replace -f -
kubectl rollout restart deployment web
kubectl rollout status deployment web --timeout=180s
# (The sidecar resolves the pods a moment after it starts; the check waits for that.)
