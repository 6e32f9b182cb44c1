# Passes when the Deployment shop is scaled to 4 replicas (its own spec, not a ReplicaSet's),
# all 4 are available, and the Service shop sends traffic to all 4.
shop_deployment # sets $d
expect_eq "the Deployment's replicas (spec.replicas of deployment/shop)" "Deployment 的副本数（deployment/shop 的 spec.replicas）" \
  4 "$(jq -r '.spec.replicas' <<<"$d")"
available=$(jq -r '.status.availableReplicas // 0' <<<"$d")
[ "$available" = 4 ] ||
  fail "only $available of 4 replicas are available yet (kubectl get deployment shop)" \
    "4 个副本中只有 $available 个可用（kubectl get deployment shop）" 4 "$available"
addresses=$(kubectl get endpoints shop -o json 2>/dev/null | jq '[.subsets[]?.addresses[]?] | length')
[ "${addresses:-0}" = 4 ] ||
  fail "the Service shop does not send traffic to all 4 replicas yet (kubectl get endpoints shop)" \
    "Service shop 还没有把流量分给全部 4 个副本（kubectl get endpoints shop）" "4 endpoints" "${addresses:-0} endpoints"
pass "shop runs 4 replicas, and the Service shop balances over all 4" "shop 运行着 4 个副本，Service shop 在这 4 个之间分发流量"
