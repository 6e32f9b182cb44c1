# Passes when the Deployment shop runs shop:1.0 with 3 replicas, all 3 available, and its pods
# run on both nodes. Reads the Deployment and its pods from the API.
d=$(kubectl get deployment shop -o json 2>/dev/null) ||
  fail "there is no Deployment named shop yet (kubectl get deployments)" \
    "还没有名为 shop 的 Deployment（kubectl get deployments）"
image=$(jq -r '[.spec.template.spec.containers[].image] | join(",")' <<<"$d")
expect_eq "the shop's image" "shop 的镜像" "shop:1.0" "$image"
expect_eq "the number of replicas (spec.replicas)" "副本数（spec.replicas）" 3 "$(jq -r '.spec.replicas' <<<"$d")"
available=$(jq -r '.status.availableReplicas // 0' <<<"$d")
[ "$available" = 3 ] ||
  fail "only $available of 3 replicas are available yet: wait a moment (kubectl rollout status deployment shop), or look at kubectl get pods" \
    "3 个副本中只有 $available 个可用：稍等片刻（kubectl rollout status deployment shop），或用 kubectl get pods 看看" 3 "$available"
selector=$(jq -r '.spec.selector.matchLabels | to_entries | map("\(.key)=\(.value)") | join(",")' <<<"$d")
nodes=$(kubectl get pods -l "$selector" -o json | jq -r '[.items[]
  | select(.metadata.deletionTimestamp == null and .status.phase == "Running") | .spec.nodeName]
  | group_by(.) | map("\(.[0])=\(length)") | join(" ")')
count=$(wc -w <<<"$nodes")
if [ "$count" -lt 2 ]; then
  pinned=$(jq -r '.spec.template.spec.nodeSelector // {} | to_entries | map("\(.key)=\(.value)") | join(",")' <<<"$d")
  [ -z "$pinned" ] ||
    fail "every replica runs on one node because the pod template has a nodeSelector ($pinned): remove it so the scheduler can spread them" \
      "所有副本都在同一个节点上，因为 Pod 模板里有 nodeSelector（$pinned）：去掉它，让调度器把副本分散开" \
      "pods on node1 and node2" "$nodes"
  fail "all replicas run on one node: the scheduler only weakly prefers spreading; add the lesson's topologySpreadConstraints (maxSkew 1 per kubernetes.io/hostname) to the Deployment and apply it again" \
    "所有副本都在同一个节点上：调度器只是弱弱地倾向于分散；把课程里的 topologySpreadConstraints（每个 kubernetes.io/hostname 的 maxSkew 为 1）加进 Deployment 再 apply 一次" "pods on node1 and node2" "$nodes"
fi
pass "shop runs 3 replicas of shop:1.0, spread over the nodes ($nodes)" \
  "shop 以 shop:1.0 运行 3 个副本，分布在各节点上（$nodes）"
