# Adds an HTTP readiness probe to the shop (the whole Deployment, declared), waits for that
# rollout, then rolls out the broken shop:2.1 and waits until its pods run (and stay unready).
kubectl apply -f - <<'YAML'
apiVersion: apps/v1
kind: Deployment
metadata:
  name: shop
  labels: { app: shop }
spec:
  replicas: 4
  selector:
    matchLabels: { app: shop }
  template:
    metadata:
      labels: { app: shop }
    spec:
      containers:
        - name: shop
          image: shop:1.0
          ports:
            - { name: http, containerPort: 8000 }
          readinessProbe:
            httpGet: { path: /health, port: 8000 }
            periodSeconds: 2
YAML
kubectl rollout status deployment shop --timeout=280s
kubectl set image deployment/shop shop=shop:2.1
# Waits for what the check reads: a 2.1 pod of the new template (with the probe) that runs and is
# not being deleted — the pods of an earlier 2.1 rollout may still be terminating.
until kubectl get pods -l app=shop -o json | jq -e '[.items[] | select(.metadata.deletionTimestamp == null
    and .spec.containers[0].image == "shop:2.1" and .spec.containers[0].readinessProbe != null
    and .status.phase == "Running")] | length > 0' >/dev/null; do
  sleep 1
done
sleep 3
kubectl get pods -l app=shop
