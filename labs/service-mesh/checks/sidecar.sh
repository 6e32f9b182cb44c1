# Passes when every request into a shop pod has to pass its sidecar: the Services shop-v1 and
# shop-v2 lead to the sidecars (their answers carry x-mesh-proxy), each shop pod answers on
# POD_IP:15006 through its own sidecar, and POD_IP:8000 (the app itself) refuses connections
# from other pods, so nothing can go around the sidecar. web's outbound sidecar reaches them.
for d in shop-v1 shop-v2 web; do rolled_out "$d"; done
pods=$(kubectl get pods -l app=shop -o json | jq -r '.items[] | select(.metadata.deletionTimestamp == null and .status.phase == "Running") | "\(.metadata.name) \(.status.podIP)"')
[ "$(wc -l <<<"$pods")" = 3 ] ||
  fail "expected 3 running shop pods (2 of shop-v1, 1 of shop-v2) (kubectl get pods -l app=shop)" \
    "应有 3 个运行中的 shop Pod（shop-v1 两个，shop-v2 一个）（kubectl get pods -l app=shop）" 3 "$(grep -c . <<<"$pods")"
urls="http://shop-v1/health http://shop-v2/health http://127.0.0.1:15001/health"
while read -r name ip; do urls="$urls http://$ip:15006/health http://$ip:8000/health"; done <<<"$pods"
# shellcheck disable=SC2086
from_web 1 $urls
for svc in shop-v1 shop-v2; do
  line=$(grep "^http://$svc/health " <<<"$answers")
  read -r _ status _ proxy _ <<<"$line"
  [ "$status" = 200 ] && [ "$proxy" != "-" ] ||
    fail "the Service $svc answers without its pods' sidecar (no x-mesh-proxy header, or no answer: ${line#* }): its targetPort must be the sidecar's inbound port 15006" \
      "Service $svc 的回答没有经过 Pod 的 sidecar（没有 x-mesh-proxy 头，或没有回答：${line#* }）：它的 targetPort 应是 sidecar 的入站端口 15006" \
      "x-mesh-proxy: <pod>" "$(kubectl get service "$svc" -o jsonpath='targetPort {.spec.ports[0].targetPort}')"
done
while read -r name ip; do
  read -r _ status _ proxy _ <<<"$(grep "^http://$ip:15006/" <<<"$answers")"
  [ "$status" = 200 ] && [ "$proxy" = "$name" ] ||
    fail "the pod $name does not answer through its sidecar on $ip:15006" "Pod $name 在 $ip:15006 上没有经 sidecar 作答" \
      "200, x-mesh-proxy: $name" "$status, x-mesh-proxy: $proxy"
  read -r _ status _ <<<"$(grep "^http://$ip:8000/" <<<"$answers")"
  [ "$status" = ERROR ] ||
    fail "the app of $name still answers other pods on $ip:8000, around its sidecar: set SHOP_BIND=127.0.0.1 on the app container so it listens on localhost only" \
      "$name 的应用仍在 $ip:8000 上直接回答其他 Pod，绕过了 sidecar：给 app 容器设置 SHOP_BIND=127.0.0.1，让它只监听本机" \
      "$ip:8000 refused" "$ip:8000 answered $status"
done <<<"$pods"
read -r _ status _ proxy _ <<<"$(grep "^http://127.0.0.1:15001/" <<<"$answers")"
[ "$status" = 200 ] && [ "$proxy" != "-" ] ||
  fail "web's outbound sidecar (127.0.0.1:15001) does not reach a shop pod's sidecar" "web 的出站 sidecar（127.0.0.1:15001）到不了 shop Pod 的 sidecar" \
    "200, x-mesh-proxy: <pod>" "$status, x-mesh-proxy: $proxy"
pass "all traffic passes the sidecars: the Services lead to :15006, every app refuses POD_IP:8000, and web's 127.0.0.1:15001 was answered by $proxy" \
  "所有流量都经过 sidecar：Service 指向 :15006，每个应用都拒绝 POD_IP:8000，web 的 127.0.0.1:15001 由 $proxy 作答"
