# Brings the stuck 2.1 rollout back, puts the banner into a ConfigMap and declares the
# Deployment with SHOP_BANNER read from it; waits for the rollout.
kubectl rollout undo deployment shop
kubectl create configmap shop-config --from-literal=banner='Double 11: everything 11% off' \
  --dry-run=client -o yaml | kubectl apply -f -
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
          env:
            - name: SHOP_BANNER
              valueFrom:
                configMapKeyRef: { name: shop-config, key: banner }
YAML
kubectl rollout status deployment shop --timeout=280s
