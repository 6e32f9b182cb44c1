# Passes when node2 went down and came back while the Deployment shop existed, Kubernetes
# evicted shop pods because of it (taint-based eviction, written by the controller manager), and
# the Deployment is whole again (3 of 3 available) with node2 Ready. Reads the API only.
d=$(kubectl get deployment shop -o json 2>/dev/null) ||
  fail "there is no Deployment named shop (kubectl get deployments): it was made in step 2" \
    "没有名为 shop 的 Deployment（kubectl get deployments）：它是第 2 步创建的"
node=$(kubectl get node node2 -o json) || fail "cannot read the node node2" "读不到节点 node2"
ready=$(jq -r '.status.conditions[] | select(.type == "Ready") | .status' <<<"$node")
[ "$ready" = True ] ||
  fail "node2 is not Ready: start its kubelet again (sudo kubelet-ctl start in the node2 tab) and wait until kubectl get nodes shows it Ready" \
    "node2 不是 Ready：在 node2 标签页里用 sudo kubelet-ctl start 重新启动 kubelet，等 kubectl get nodes 显示它 Ready" \
    "node2 Ready" "node2 Ready=$ready"
since=$(jq -r '.status.conditions[] | select(.type == "Ready") | .lastTransitionTime' <<<"$node")
created=$(jq -r '.metadata.creationTimestamp' <<<"$d")
[[ "$since" > "$created" ]] ||
  fail "node2 has been Ready all along since the Deployment was made: stop its kubelet (sudo kubelet-ctl stop in the node2 tab), watch its pods move to node1, then start it again" \
    "自从创建 Deployment 以来 node2 一直是 Ready：在 node2 标签页里停止它的 kubelet（sudo kubelet-ctl stop），看它的 Pod 被挪到 node1，再把 kubelet 启动起来" \
    "node2 NotReady, then Ready again (after $created)" "node2 Ready since $since"
evicted=$(kubectl get events -o json | jq -r --arg since "$created" '[.items[]
  | select(.reason == "TaintManagerEviction" and .involvedObject.kind == "Pod")
  | select(.involvedObject.name | startswith("shop-"))
  | select((.lastTimestamp // .eventTime // "") > $since) | .involvedObject.name] | unique | join(" ")')
[ -n "$evicted" ] ||
  fail "node2 went down, but no shop pod was evicted: was node2 down long enough (until kubectl get pods -o wide showed its pods replaced on node1)? Did node2 run a shop pod?" \
    "node2 停过，但没有 shop 的 Pod 被驱逐：它停得够久吗（要等 kubectl get pods -o wide 显示它的 Pod 在 node1 上被替换）？node2 上当时有 shop 的 Pod 吗？"
available=$(jq -r '.status.availableReplicas // 0' <<<"$d")
want=$(jq -r '.spec.replicas' <<<"$d")
[ "$available" = "$want" ] ||
  fail "the Deployment shop is not whole again yet: wait until every replica is available (kubectl get deployment shop)" \
    "Deployment shop 还没有恢复完整：等所有副本都可用（kubectl get deployment shop）" "$want available" "$available available"
pass "node2 went down and came back: Kubernetes evicted $evicted and replaced them, and shop has $available of $want replicas" \
  "node2 宕机后又恢复；Kubernetes 驱逐了 $evicted 并重建了副本；shop 现有 $available/$want 个副本可用"
