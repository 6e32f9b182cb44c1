# kubernetes-basics' own check helpers (run before each of its checks, after labs/lib/check.sh).

# Sets $d to the Deployment shop as JSON, or fails saying there is none. (Helpers that can fail
# set variables instead of printing: a `fail` inside $(...) would only end the subshell.)
shop_deployment() {
  d=$(kubectl get deployment shop -o json 2>/dev/null) ||
    fail "there is no Deployment named shop (kubectl get deployments)" "没有名为 shop 的 Deployment（kubectl get deployments）"
}

# rolled_out DEPLOYMENT_JSON EN ZH: fails with EN/ZH unless the controller has seen the latest
# spec and every replica is updated and available (what `kubectl rollout status` waits for).
rolled_out() {
  local gen observed want updated available total
  read -r gen observed want updated available total < <(jq -r '[.metadata.generation, (.status.observedGeneration // 0),
    .spec.replicas, (.status.updatedReplicas // 0), (.status.availableReplicas // 0), (.status.replicas // 0)] | @tsv' <<<"$1")
  if [ "$observed" -lt "$gen" ] || [ "$updated" != "$want" ] || [ "$available" != "$want" ] || [ "$total" != "$want" ]; then
    fail "$2" "$3" "$want updated, $want available, $want in all" "$updated updated, $available available, $total in all"
  fi
}

# Through the Service: N requests to http://shop:PORT/health from a running shop pod; sets
# $answers to one line each, the Python expression EXPR over the JSON answer `a` ("HTTP-<code>"
# for an HTTP error, "ERROR" for anything else).
through_service() {
  local expr=$1 n=$2 from port
  from=$(kubectl get pods -l app=shop -o json | jq -r '[.items[] | select(.metadata.deletionTimestamp == null and .status.phase == "Running") | .metadata.name][0] // empty')
  [ -n "$from" ] || fail "no shop pod is running (kubectl get pods)" "没有正在运行的 shop Pod（kubectl get pods）"
  port=$(kubectl get service shop -o jsonpath='{.spec.ports[0].port}' 2>/dev/null)
  [ -n "$port" ] || fail "the Service shop of step 4 is gone (kubectl get services)" "第 4 步的 Service shop 不见了（kubectl get services）"
  answers=$(kubectl exec "$from" -- python3 -c '
import json, sys, urllib.request, urllib.error
for _ in range(int(sys.argv[2])):
    try:
        a = json.load(urllib.request.urlopen(sys.argv[1], timeout=3))
        print(eval(sys.argv[3]))
    except urllib.error.HTTPError as e:
        print("HTTP-%d" % e.code)
    except Exception:
        print("ERROR")' "http://shop:$port/health" "$n" "$expr" 2>&1)
}
