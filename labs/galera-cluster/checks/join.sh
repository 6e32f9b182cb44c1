# Passes when db1, db2 and db3 form ONE cluster: each sees 3 members, Primary and Synced, and
# all report the same cluster state UUID (nodes bootstrapped on their own each get their own).
uuid=""
for h in db1 db2 db3; do
  wsrep_status "$h" ||
    fail "MariaDB does not answer on $h: start it there with galera-start (no --new-cluster: it joins)" \
      "$h 上的 MariaDB 没有响应：在 $h 上用 galera-start 启动它（不加 --new-cluster，它会加入已有集群）" \
      "$(t "$h up" "$h 在运行")" "$(t "no answer on $h:3306" "$h:3306 没有响应")"
  u=$(wsrep_field wsrep_cluster_state_uuid)
  [ -z "$uuid" ] || [ "$u" = "$uuid" ] ||
    fail "$h belongs to another cluster than db1 (different state UUID): it was bootstrapped on its own; only the first node bootstraps, the others join" \
      "$h 和 db1 不在同一个集群里（状态 UUID 不同）：它自己引导了一个集群；只有第一个节点需要引导，其余节点应该加入" \
      "$uuid ($(t "db1's" "db1 的"))" "$u"
  uuid=$u
  expect_wsrep wsrep_cluster_status Primary "$h is not in a Primary Component" "$h 不在主组件（Primary Component）中"
  size=$(wsrep_field wsrep_cluster_size)
  expect_wsrep wsrep_cluster_size 3 "$h sees a cluster of $size node(s)" "$h 看到的集群只有 $size 个节点"
  state=$(wsrep_field wsrep_local_state_comment)
  expect_wsrep wsrep_local_state_comment Synced "$h is still joining ($state): check again in a moment" \
    "$h 还在加入中（$state）：稍等片刻再检查"
done
pass "db1, db2 and db3 form one cluster: size 3, Primary, all Synced (state UUID $uuid)" \
  "db1、db2、db3 组成了同一个集群：成员数 3，Primary，全部 Synced（状态 UUID $uuid）"
