# Passes when a Service named shop-public of type NodePort answers the shop's /health from
# outside the cluster, on its node port at node1 and at node2 (real requests from the grader).
svc=$(kubectl get service shop-public -o json 2>/dev/null) ||
  fail "there is no Service named shop-public yet (kubectl get services)" "还没有名为 shop-public 的 Service（kubectl get services）"
type=$(jq -r '.spec.type' <<<"$svc")
expect_eq "the type of the Service shop-public" "Service shop-public 的类型" NodePort "$type"
nodeport=$(jq -r '.spec.ports[0].nodePort' <<<"$svc")
target=$(jq -r '.spec.ports[0].targetPort' <<<"$svc")
for node in node1 node2; do
  http_fetch "http://$node:$nodeport/health" 4
  if [ "$HTTP_STATUS" != 200 ] || [ "$(jq -r '.status // empty' <<<"$HTTP_BODY" 2>/dev/null)" != ok ]; then
    fail "http://$node:$nodeport/health does not answer from outside the cluster (HTTP $HTTP_STATUS): the Service sends traffic to the pods' port $target, and the shop listens on 8000" \
      "从集群外访问 http://$node:$nodeport/health 没有正常回应（HTTP $HTTP_STATUS）：这个 Service 把流量转到 Pod 的 $target 端口，而商城监听的是 8000" \
      "200 {\"status\": \"ok\", ...}" "$HTTP_STATUS ${HTTP_BODY:0:80}"
  fi
done
pass "the shop answers from outside the cluster at node1:$nodeport and node2:$nodeport" \
  "从集群外访问 node1:$nodeport 和 node2:$nodeport 都能得到商城的回应"
