# Passes when etcd-2 and etcd-3 are down, etcd-1 runs and still counts itself one of three
# members (no --force-new-cluster), and it refuses a write (the check tries one with a 3 s
# limit) while a serializable read still returns the last value it has: one of three is no
# majority, so nothing can be committed.
if ! curl -s -m 2 -o /dev/null http://etcd-1:2379/version; then
  fail "etcd-1 does not run: keep it up, stop etcd-2 instead" "etcd-1 没有运行：保持它运行，停掉 etcd-2"
fi
for m in etcd-2 etcd-3; do
  if curl -s -m 2 -o /dev/null "http://$m:2379/version"; then
    fail "$m still runs: stop it (ssh $m nodectl stop)" "$m 还在运行：停掉它（ssh $m nodectl stop）"
  fi
done
one=etcd-1:2379
n=$(etcdctl --endpoints=$one --command-timeout=3s member list 2>/dev/null | grep -c .)
if [ "$n" != 3 ]; then
  fail "etcd-1 now thinks the cluster has $n member(s): it was restarted with --force-new-cluster, which makes a single member write alone (and loses what the others had)" \
    "etcd-1 现在认为集群只有 $n 个成员：它用 --force-new-cluster 重启过，这让单个成员独自写入（并丢掉其他成员的数据）" 3 "$n"
fi
if out=$(etcdctl --endpoints=$one --command-timeout=3s put /archlab/quorum-probe "$(date +%s)" 2>&1); then
  etcdctl --endpoints=$one del /archlab/quorum-probe >/dev/null 2>&1
  fail "etcd-1 accepted a write: it must not, without a majority" "etcd-1 接受了写入：没有多数派时它不应接受" \
    "a refused write" "$out"
fi
stale=$(etcdctl --endpoints=$one --command-timeout=3s get /config/shop/sale --consistency=s --print-value-only 2>&1)
expect_eq "a serializable (local, possibly stale) read of /config/shop/sale on etcd-1" \
  "在 etcd-1 上对 /config/shop/sale 的串行化（本地、可能过期的）读" on "$stale"
pass "alone, etcd-1 refuses writes (no majority) and answers only local, possibly stale reads" \
  "只剩 etcd-1 时它拒绝写入（没有多数派），只能回答本地的、可能过期的读"
