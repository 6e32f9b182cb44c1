# Passes when PeerAuthentication makes mTLS STRICT: the client's sidecar still gets answers, and a
# pod without a sidecar (namespace legacy, no injection) is refused — plaintext no longer works.
mode=$(kubectl get peerauthentication -A -o jsonpath='{.items[*].spec.mtls.mode}' 2>/dev/null)
grep -qw STRICT <<<"$mode" ||
  fail "no PeerAuthentication with mtls.mode STRICT" "没有 mtls.mode 为 STRICT 的 PeerAuthentication" "STRICT" "${mode:-none}"
ok=$(hits 20 /health | grep -c '^200')
[ "$ok" -ge 19 ] ||
  fail "the meshed client got only $ok of 20 answers" "网格内的客户端 20 个请求只得到 $ok 个应答" "20" "$ok"
if kubectl -n legacy exec deploy/client -- curl -s -m 5 -o /dev/null http://shop.default:8000/health 2>/dev/null; then
  fail "a client without a sidecar still reaches shop in plaintext" "没有 Sidecar 的客户端仍能以明文访问 shop" "refused" "answered"
fi
pass "meshed traffic gets through, plaintext from outside the mesh is refused" "网格内流量正常，网格外的明文请求被拒绝"
