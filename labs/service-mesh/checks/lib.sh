# service-mesh's own check helpers (run before each of its checks, after labs/lib/check.sh).
# Every request is real traffic, sent from web's app container (kubectl exec as the admin).

# rolled_out NAME: fails unless the Deployment NAME exists and every replica is updated and
# available (what `kubectl rollout status` waits for).
rolled_out() {
  local d gen observed want updated available total
  d=$(kubectl get deployment "$1" -o json 2>/dev/null) ||
    fail "there is no Deployment named $1 (kubectl get deployments)" "没有名为 $1 的 Deployment（kubectl get deployments）"
  read -r gen observed want updated available total < <(jq -r '[.metadata.generation, (.status.observedGeneration // 0),
    .spec.replicas, (.status.updatedReplicas // 0), (.status.availableReplicas // 0), (.status.replicas // 0)] | @tsv' <<<"$d")
  if [ "$observed" -lt "$gen" ] || [ "$updated" != "$want" ] || [ "$available" != "$want" ] || [ "$total" != "$want" ]; then
    fail "the Deployment $1 is still rolling out (kubectl rollout status deployment $1)" \
      "Deployment $1 还在发布中（kubectl rollout status deployment $1）" \
      "$want updated, $want available, $want in all" "$updated updated, $available available, $total in all"
  fi
}

# from_web N URL...: from web's app container, N GETs of each URL (3 s each at most); sets
# $answers to one line per request: "URL STATUS VERSION PROXY" (PROXY: the x-mesh-proxy header,
# "-" when absent; STATUS "ERROR" and the reason when nothing answered in time).
from_web() { from_web_with GET 3 "$@"; }

# from_web_with METHOD SECONDS N URL...: the same with another method (a POST sends "{}") and
# time limit per request.
from_web_with() {
  # The running web pod (not `deploy/web`: right after a restart that may pick the old pod
  # while it terminates).
  local pod
  pod=$(kubectl get pods -l app=web -o json | jq -r '[.items[] | select(.metadata.deletionTimestamp == null and
    .status.phase == "Running" and ([.status.containerStatuses[]?.ready] | all))][0].metadata.name // empty')
  [ -n "$pod" ] || fail "no web pod is running and ready (kubectl get pods -l app=web)" "没有运行中且就绪的 web Pod（kubectl get pods -l app=web）"
  answers=$(kubectl exec "$pod" -c app -- python3 -c '
import json, sys, urllib.request, urllib.error
method, limit, n = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
for url in sys.argv[4:]:
    for _ in range(n):
        data = b"{}" if method == "POST" else None
        try:
            r = urllib.request.urlopen(urllib.request.Request(url, data=data, method=method), timeout=limit)
            body = json.load(r)
            print(url, r.status, body.get("version", "-"), r.headers.get("x-mesh-proxy") or "-")
        except urllib.error.HTTPError as e:
            print(url, e.code, "-", e.headers.get("x-mesh-proxy") or "-")
        except Exception as e:
            print(url, "ERROR", type(e).__name__, str(e).replace(" ", "_")[:80])' "$@" 2>&1) ||
    fail "could not run a request from web's app container (kubectl exec $pod -c app): $(tail -n 1 <<<"$answers")" \
      "无法从 web 的 app 容器发出请求（kubectl exec $pod -c app）：$(tail -n 1 <<<"$answers")"
}

# split_counts: 200 GETs of /health through web's outbound sidecar; sets $v1 $v2 $other (answers
# that are not a 200 from a shop pod's inbound sidecar) and $sample (one such answer).
split_counts() {
  rolled_out web
  from_web 200 http://127.0.0.1:15001/health
  v1=$(awk '$2 == 200 && $3 == "1.0" && $4 != "-"' <<<"$answers" | wc -l)
  v2=$(awk '$2 == 200 && $3 == "2.0" && $4 != "-"' <<<"$answers" | wc -l)
  other=$((200 - v1 - v2))
  sample=$(awk '!($2 == 200 && $4 != "-")' <<<"$answers" | head -n 1)
  [ "$other" = 0 ] ||
    fail "$other of 200 requests through web's sidecar (127.0.0.1:15001) did not come back as a 200 from a shop pod's sidecar, e.g.: $sample" \
      "经 web 的 sidecar（127.0.0.1:15001）发出的 200 个请求中有 $other 个没有从 shop Pod 的 sidecar 返回 200，例如：$sample"
}

# within V2 LOW HIGH PERCENT: fails unless LOW <= V2 <= HIGH (the 3-sd band around PERCENT % of 200).
within() {
  if [ "$1" -lt "$2" ] || [ "$1" -gt "$3" ]; then
    fail "of 200 answers through web's sidecar, $1 came from v2 and $v1 from v1: a $4 % share of v2 gives $2-$3 (3 standard deviations); edit the ConfigMap web-proxy, then kubectl rollout restart deployment web" \
      "经 web 的 sidecar 的 200 个回答中，$1 个来自 v2，$v1 个来自 v1：v2 占 $4 % 时应为 $2-$3（3 个标准差）；修改 ConfigMap web-proxy，然后 kubectl rollout restart deployment web" \
      "v2: $2-$3 of 200" "v2: $1 of 200"
  fi
}
