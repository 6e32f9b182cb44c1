# Helpers of the istio lab's checks (run after labs/lib/check.sh). All traffic is real: it goes from
# the client pod through its Envoy sidecar to shop's sidecars.

# hits N PATH — N requests from the client pod; one line per answer: "CODE VERSION".
hits() {
  kubectl exec deploy/client -c kube-workstation -- sh -c "for i in \$(seq $1); do
    curl -s -m 5 -o /tmp/b -w '%{http_code} ' http://shop:8000$2; grep -o '\"version\": *\"[0-9]' /tmp/b | tr -dc 0-9; echo
  done" 2>/dev/null
}

# split_check WANT_V2 — 200 requests split with WANT_V2 percent to v2 (±8 points).
split_check() {
  local want=$1 out v1 v2 total share
  out=$(hits 200 /health)
  v1=$(grep -c '^200 1' <<<"$out")
  v2=$(grep -c '^200 2' <<<"$out")
  total=$((v1 + v2))
  [ "$total" -ge 190 ] ||
    fail "only $total of 200 requests to shop answered 200" "200 个请求中只有 $total 个得到 200 应答" "200" "$total"
  share=$((v2 * 100 / total))
  { [ "$share" -ge $((want - 8)) ] && [ "$share" -le $((want + 8)) ]; } ||
    fail "v2 answered $share% of the requests, not about $want% (check the VirtualService weights)" \
      "v2 应答了 $share% 的请求，而不是约 $want%（检查 VirtualService 的权重）" "$want% v2" "$share% v2"
  pass "v2 answered $share% of 200 real requests (v1 $v1, v2 $v2)" "200 个真实请求中 v2 应答了 $share%（v1 $v1，v2 $v2）"
}
