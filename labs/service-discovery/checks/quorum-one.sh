# Passes when etcd-3 is down but still a member of the cluster (it failed; it was not removed),
# etcd-1 and etcd-2 form a majority with a leader, and /config/shop/sale = on was committed (a
# linearizable read through the majority returns it).
two=etcd-1:2379,etcd-2:2379
if curl -s -m 2 -o /dev/null http://etcd-3:2379/version; then
  fail "etcd-3 still runs: stop it (ssh etcd-3 nodectl stop)" "etcd-3 还在运行：停掉它（ssh etcd-3 nodectl stop）"
fi
members=$(etcdctl --endpoints=$two --command-timeout=3s member list 2>&1) ||
  fail "etcd-1 and etcd-2 do not answer: they must keep running" "etcd-1 和 etcd-2 没有响应：它们必须保持运行" "" "$members"
n=$(grep -c . <<<"$members")
if ! grep -q ', etcd-3,' <<<"$members" || [ "$n" != 3 ]; then
  fail "etcd-3 is no longer a member of the cluster: removing a member (member remove) is not losing one. The cluster now has $n members and a majority of those" \
    "etcd-3 已不再是集群成员：移除成员（member remove）不等于失去成员。集群现在有 $n 个成员，多数也按 $n 计算" \
    "3 members, etcd-3 down" "$n members"
fi
health=$(etcdctl --endpoints=$two --command-timeout=3s endpoint health 2>&1) ||
  fail "etcd-1 and etcd-2 are not both healthy" "etcd-1 和 etcd-2 并非都健康" "healthy" "$health"
value=$(etcdctl --endpoints=$two --command-timeout=3s get /config/shop/sale --print-value-only 2>&1)
expect_eq "/config/shop/sale (a linearizable read through the majority)" "/config/shop/sale（经由多数派的线性一致读）" on "$value"
pass "with etcd-3 down, etcd-1 and etcd-2 (2 of 3, a majority) still commit writes" \
  "etcd-3 宕机后，etcd-1 和 etcd-2（3 个中的 2 个，构成多数）仍然可以提交写入"
