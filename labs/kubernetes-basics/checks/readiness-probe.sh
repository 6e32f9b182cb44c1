# Passes when the Deployment shop has an HTTP readiness probe on the shop's port, the broken
# shop:2.1 is being rolled out, its pods run but stay unready, and real requests through the
# Service shop are all answered "ok" by a healthy version (never by 2.1).
shop_deployment # sets $d
c=$(jq '.spec.template.spec.containers[0]' <<<"$d")
probe=$(jq -c '.readinessProbe // empty' <<<"$c")
[ -n "$probe" ] ||
  fail "the shop's container has no readiness probe: without one, a pod counts as ready as soon as its process starts" \
    "shop 的容器没有就绪探针：没有探针时，进程一启动 Pod 就被当作就绪" "readinessProbe: httpGet /health, port 8000" "(none)"
port=$(jq -r '.httpGet.port // empty' <<<"$probe")
[ -n "$port" ] ||
  fail "use an httpGet readiness probe: only an HTTP request to /health asks the shop whether it is healthy (a TCP probe only sees that the port is open)" \
    "请用 httpGet 就绪探针：只有对 /health 发 HTTP 请求才能问出商城是否健康（TCP 探针只能看到端口开着）" "httpGet" "$probe"
if ! [[ $port =~ ^[0-9]+$ ]]; then # a named port: look it up in the container's ports
  port=$(jq -r --arg n "$port" '[.ports[]? | select(.name == $n) | .containerPort][0] // "unknown"' <<<"$c")
fi
[ "$port" = 8000 ] ||
  fail "the readiness probe asks port $port, but the shop listens on 8000: every pod would stay unready, healthy or not" \
    "就绪探针访问的是 $port 端口，而商城监听的是 8000：这样不管健康与否，每个 Pod 都永远不会就绪" 8000 "$port"
image=$(jq -r '.image' <<<"$c")
[ "$image" = shop:2.1 ] ||
  fail "the probe is in place, now roll out the broken version: kubectl set image deployment/shop shop=shop:2.1" \
    "探针已经就位；现在发布有问题的版本：kubectl set image deployment/shop shop=shop:2.1" shop:2.1 "$image"
pods=$(kubectl get pods -l app=shop -o json | jq '[.items[] | select(.metadata.deletionTimestamp == null and .status.phase == "Running")]')
broken=$(jq -r '[.[] | select(.spec.containers[0].image == "shop:2.1") | .metadata.name] | join(" ")' <<<"$pods")
[ -n "$broken" ] ||
  fail "no pod of shop:2.1 runs yet: wait a few seconds (kubectl get pods)" "还没有运行中的 shop:2.1 Pod：等几秒（kubectl get pods）"
ready_broken=$(jq -r '[.[] | select(.spec.containers[0].image == "shop:2.1")
  | select(any(.status.conditions[]?; .type == "Ready" and .status == "True")) | .metadata.name] | join(" ")' <<<"$pods")
[ -z "$ready_broken" ] ||
  fail "pods of the broken shop:2.1 count as ready ($ready_broken): the probe does not catch the failure" \
    "有问题的 shop:2.1 的 Pod 被当作就绪（$ready_broken）：探针没有发现故障" "no ready 2.1 pod" "$ready_broken"
from=$(jq -r '.[0].metadata.name' <<<"$pods")
svcport=$(kubectl get service shop -o jsonpath='{.spec.ports[0].port}' 2>/dev/null)
[ -n "$svcport" ] || fail "the Service shop of step 4 is gone (kubectl get services)" "第 4 步的 Service shop 不见了（kubectl get services）"
answers=$(kubectl exec "$from" -- python3 -c '
import json, sys, urllib.request, urllib.error
def health(url):
    try:
        reply = urllib.request.urlopen(url, timeout=3)
    except urllib.error.HTTPError as e:
        reply = e
    except Exception:
        return "none/no-answer"
    try:
        h = json.load(reply)
        return "%s/%s" % (h.get("version"), h.get("status"))
    except Exception:
        return "none/not-json"
for _ in range(int(sys.argv[2])):
    print(health(sys.argv[1]))' "http://shop:$svcport/health" 12 2>&1)
tally=$(sort <<<"$answers" | uniq -c | awk '{printf "%s%s×%s", sep, $2, $1; sep=" "}')
bad=$(grep -cv '/ok$' <<<"$answers")
[ "$bad" = 0 ] ||
  fail "requests through the Service shop reach a pod that is not healthy" "经 Service shop 的请求打到了不健康的 Pod 上" \
    "every answer */ok" "$tally"
pass "shop:2.1 runs but stays unready ($broken), and the Service answered 12 requests with $tally only" \
  "shop:2.1 在运行但一直未就绪（$broken）；Service 的 12 个回答全部来自健康的版本：$tally"
