# Passes when a Service named shop selects the shop's pods and a request from inside a pod to
# http://shop:PORT/health (the name resolved by the cluster DNS) is answered by one of those pods.
svc=$(kubectl get service shop -o json 2>/dev/null) ||
  fail "there is no Service named shop yet (kubectl get services)" "还没有名为 shop 的 Service（kubectl get services）"
port=$(jq -r '.spec.ports[0].port' <<<"$svc")
target=$(jq -r '.spec.ports[0].targetPort' <<<"$svc")
selector=$(jq -r '.spec.selector // {} | to_entries | map("\(.key)=\(.value)") | join(",")' <<<"$svc")
[ -n "$selector" ] || fail "the Service shop has no selector, so it selects no pod" "Service shop 没有 selector，选不中任何 Pod"
pods=$(kubectl get pods -l app=shop -o json | jq -r '[.items[] | select(.metadata.deletionTimestamp == null and .status.phase == "Running") | .metadata.name] | join(" ")')
[ -n "$pods" ] || fail "no shop pod is running (kubectl get pods -l app=shop)" "没有正在运行的 shop Pod（kubectl get pods -l app=shop）"
selected=$(kubectl get pods -l "$selector" -o name | wc -l)
[ "$selected" -gt 0 ] ||
  fail "the selector of the Service shop ($selector) matches no pod: the shop's pods carry app=shop (kubectl get pods --show-labels)" \
    "Service shop 的选择器（$selector）匹配不到任何 Pod：shop 的 Pod 带的标签是 app=shop（kubectl get pods --show-labels）" \
    "app=shop" "$selector"
addresses=$(kubectl get endpoints shop -o json | jq '[.subsets[]?.addresses[]?] | length')
[ "$addresses" -gt 0 ] ||
  fail "the Service shop has no ready endpoint yet (kubectl get endpoints shop)" "Service shop 还没有就绪的后端（kubectl get endpoints shop）"
from=${pods%% *}
url="http://shop:$port/health"
reply=$(kubectl exec "$from" -- python3 -c '
import sys, urllib.request
try:
    print(urllib.request.urlopen(sys.argv[1], timeout=4).read().decode())
except Exception as e:
    print("ERROR", e)
    sys.exit(1)' "$url" 2>&1)
if [ $? -ne 0 ]; then
  fail "from the pod $from, $url does not answer ($(tail -n 1 <<<"$reply")): the Service sends port $port to the pods' port $target, and the shop listens on 8000" \
    "从 Pod $from 访问 $url 没有回应（$(tail -n 1 <<<"$reply")）：这个 Service 把端口 $port 转到 Pod 的 $target 端口，而商城监听的是 8000" \
    "targetPort 8000" "targetPort $target"
fi
instance=$(jq -r '.instance // empty' <<<"$reply" 2>/dev/null)
case " $pods " in
  *" $instance "*) ;;
  *) fail "$url answered, but not from a shop pod" "$url 有回应，但不是 shop 的 Pod 回答的" "one of: $pods" "${instance:-$reply}" ;;
esac
pass "from the pod $from, $url was answered by the pod $instance" "从 Pod $from 访问 $url，由 Pod $instance 作答"
