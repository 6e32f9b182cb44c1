# Istio's control plane (CRDs + istiod, kept in labs/istio/manifests/ — see lab.yaml), injection
# on, shop v1 and v2 and a client pod, all with sidecars; a legacy namespace without injection.
kubectl label namespace default istio-injection=enabled --overwrite
for v in 1 2; do
  kubectl create deployment "shop-v$v" --image="shop:$v.0" --dry-run=client -o json |
    jq --arg v "v$v" '.spec.selector.matchLabels = {app: "shop", version: $v}
      | .spec.template.metadata.labels = {app: "shop", version: $v}' | kubectl apply -f -
done
kubectl create service clusterip shop --tcp=8000:8000 --dry-run=client -o json |
  jq '.spec.selector = {app: "shop"}' | kubectl apply -f -
kubectl create deployment client --image=kube-workstation -- sleep infinity && kubectl set env deployment/client -c kube-workstation X=1 >/dev/null
kubectl create namespace legacy
kubectl -n legacy create deployment client --image=kube-workstation -- sleep infinity
kubectl rollout status deployment shop-v1 --timeout=180s
kubectl rollout status deployment shop-v2 --timeout=180s
kubectl rollout status deployment client --timeout=180s
