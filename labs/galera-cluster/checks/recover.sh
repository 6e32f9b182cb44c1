# Passes when the three nodes form one Primary cluster again, all Synced, and every node holds
# the same orders, among them those written on db1 and db2 while db3 was down (db3 received
# them by IST or SST when it rejoined).
uuid=""; first=""
for h in db1 db2 db3; do
  wsrep_status "$h" ||
    fail "MariaDB does not answer on $h: start it again (galera-start)" "$h 上的 MariaDB 没有响应：重新启动它（galera-start）" \
      "$(t "$h up" "$h 在运行")" "$(t "no answer on $h:3306" "$h:3306 没有响应")"
  status=$(wsrep_field wsrep_cluster_status)
  expect_wsrep wsrep_cluster_status Primary \
    "$h is $status: a Primary Component must be restored first (pc.bootstrap=YES on the survivor)" \
    "$h 的状态是 $status：要先恢复主组件（在幸存节点上设置 pc.bootstrap=YES）"
  u=$(wsrep_field wsrep_cluster_state_uuid)
  [ -z "$uuid" ] || [ "$u" = "$uuid" ] ||
    fail "$h belongs to another cluster than db1" "$h 和 db1 不在同一个集群里" "$uuid" "$u"
  uuid=$u
  size=$(wsrep_field wsrep_cluster_size)
  expect_wsrep wsrep_cluster_size 3 "$h sees a cluster of $size node(s)" "$h 看到的集群只有 $size 个节点"
  state=$(wsrep_field wsrep_local_state_comment)
  expect_wsrep wsrep_local_state_comment Synced "$h is still catching up ($state): check again in a moment" \
    "$h 还在追赶数据（$state）：稍等片刻再检查"
  writers=$(mariadb_q "$h" "SET SESSION wsrep_sync_wait = 1; SELECT DISTINCT written_on FROM shop.orders WHERE cluster_size = 2 ORDER BY 1" | paste -sd, -)
  [ "$writers" = db1,db2 ] ||
    fail "$h lacks the orders written on db1 and db2 while db3 was down" "$h 上缺少 db3 宕机期间在 db1 和 db2 上写入的订单" \
      "$(t "orders written with 2 nodes on db1,db2" "集群只有 2 个节点时在 db1、db2 上写入的订单")" "${writers:-$(t "(none)" "（无）")}"
  rows=$(mariadb_q "$h" "SET SESSION wsrep_sync_wait = 1; SELECT id, item, written_on, cluster_size FROM shop.orders ORDER BY id")
  [ -z "$first" ] || [ "$rows" = "$first" ] ||
    fail "$h does not hold the same orders as db1" "$h 上的订单和 db1 上的不一样" \
      "$(t "identical shop.orders" "完全相同的 shop.orders")" "$(t "different rows" "行不一样")"
  first=$rows
done
pass "the cluster is whole again: 3 nodes Primary and Synced, and db3 caught up on every order" \
  "集群恢复完整：3 个节点都是 Primary 且 Synced，db3 也补上了所有订单"
