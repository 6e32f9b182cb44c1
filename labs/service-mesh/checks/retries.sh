# Passes when web's sidecar hides a slow shop pod from its callers, and never repeats a POST.
# The check makes one shop-v1 pod slow (3 s per request, for 60 s at most, undone at the end),
# then, through web's outbound sidecar (127.0.0.1:15001):
#   - 24 GETs, each given 2.5 s: all must answer 200. Without a timeout shorter than the slow
#     pod the caller waits 3 s; with a timeout but no retry it gets a 504.
#   - 24 POSTs (a new cart each): every one must reach a shop exactly once, counted by the
#     pods' own request counters. A POST retried after a timeout reaches the slow pod (which
#     still creates the cart, late) and another one: the caller would get two carts for one.
# A GET goes to the slow pod with probability 1/4 (half the traffic is v1, half of v1 is that
# pod), so 24 requests miss it with probability 0.001.
for d in shop-v1 shop-v2 web; do rolled_out "$d"; done
# The sidecar resolves the pods a moment after it starts: wait until it answers.
for _ in $(seq 1 15); do
  from_web 4 http://127.0.0.1:15001/health
  [ "$(awk '$2 == 200' <<<"$answers" | wc -l)" = 4 ] && break
  sleep 1
done
mapfile -t shop_pods < <(kubectl get pods -l app=shop -o json | jq -r '.items[] | select(.metadata.deletionTimestamp == null and .status.phase == "Running") | .metadata.name' | sort)
slow=$(kubectl get pods -l app=shop,version=v1 -o json | jq -r '[.items[] | select(.metadata.deletionTimestamp == null) | .metadata.name] | sort | .[0] // empty')
[ -n "$slow" ] || fail "no shop-v1 pod is running (kubectl get pods -l version=v1)" "没有运行中的 shop-v1 Pod（kubectl get pods -l version=v1）"

# served: the sum of the shop pods' request counters (GET /admin/state on each app; not /health).
served() {
  local total=0 n pod
  for pod in "${shop_pods[@]}"; do
    n=$(kubectl exec "$pod" -c app -- curl -s -m 5 http://127.0.0.1:8000/admin/state | jq -r '.served // empty')
    [ -n "$n" ] || fail "could not read the request counter of $pod" "读不到 $pod 的请求计数"
    total=$((total + n))
  done
  echo "$total"
}
slow_down() { kubectl exec "$slow" -c app -- curl -s -m 5 -o /dev/null -X POST -d "{\"ms\": $1, \"seconds\": 60}" http://127.0.0.1:8000/admin/delay; }
trap 'slow_down 0' EXIT
slow_down 3000

from_web_with GET 2.5 24 http://127.0.0.1:15001/products
bad=$(awk '$2 != 200' <<<"$answers" | head -n 1)
if [ -n "$bad" ]; then
  read -r _ status _ <<<"$bad"
  case "$status" in
    ERROR) fail "a GET through web's sidecar waited more than 2.5 s while the pod $slow is slow (3 s): the sidecar waits as long as the pod does; give the shop backends a timeout shorter than that (timeout server 1s) and retry (retries 3, retry-on response-timeout, option redispatch)" \
      "$slow 变慢（3 s）时，经 web 的 sidecar 的 GET 等了 2.5 s 以上：sidecar 跟着慢 Pod 一起等；给 shop 的 backend 设一个更短的超时（timeout server 1s）并重试（retries 3、retry-on response-timeout、option redispatch）" \
      "24 of 24 GETs answered 200 within 2.5 s" "${bad#* }" ;;
    504) fail "a GET through web's sidecar got 504: the sidecar gave up on the slow pod $slow after its timeout but did not retry it on another pod (retries 3, retry-on response-timeout conn-failure, option redispatch)" \
      "经 web 的 sidecar 的 GET 得到 504：sidecar 超时后放弃了慢 Pod $slow，却没有换一个 Pod 重试（retries 3、retry-on response-timeout conn-failure、option redispatch）" \
      "24 of 24 GETs answered 200" "$(awk '$2 != 200' <<<"$answers" | wc -l) of 24 answered $status" ;;
    *) fail "a GET through web's sidecar answered $status while the pod $slow was slow" "$slow 变慢时，经 web 的 sidecar 的 GET 回答了 $status" \
      "24 of 24 GETs answered 200" "${bad#* }" ;;
  esac
fi
sleep 3.5 # the slow pod finishes the requests the sidecar gave up on
before=$(served)
from_web_with POST 5 24 http://127.0.0.1:15001/carts
sleep 3.5
reached=$(($(served) - before))
gave_up=$(awk '$2 == 504' <<<"$answers" | wc -l)
if [ "$reached" -gt 24 ]; then
  fail "24 POSTs through web's sidecar reached the shop $reached times: the sidecar retried POSTs that the slow pod $slow was still processing, so those carts were made twice. A POST is not idempotent: retry only what can be repeated (http-request disable-l7-retry if METH_POST)" \
    "经 web 的 sidecar 的 24 个 POST 到达商城 $reached 次：sidecar 重试了慢 Pod $slow 仍在处理的 POST，这些购物车被创建了两次。POST 不是幂等的：只重试可以重复的请求（http-request disable-l7-retry if METH_POST）" \
    "each POST reached the shop once (24)" "$reached"
fi
expect_eq "the number of POSTs that reached the shop" "到达商城的 POST 数" 24 "$reached"
pass "while $slow was slow, 24 GETs through web's sidecar all answered 200 in time (retried on another pod), and 24 POSTs each reached the shop once ($gave_up of them answered 504 instead of being repeated)" \
  "$slow 变慢时，经 web 的 sidecar 的 24 个 GET 都按时得到 200（在另一个 Pod 上重试），24 个 POST 各自只到达商城一次（其中 $gave_up 个回答 504，而没有被重复）"
