# Passes when db3 is down, db1 and db2 still form a Primary cluster of 2, and both hold new
# orders written on db1 AND on db2 after db3 left: the trigger records wsrep_cluster_size at
# each INSERT, so "new" means written while the cluster had 2 members, after the last 3-node write.

if wsrep_status db3; then
  fail "db3 still runs: stop MariaDB there (galera-stop on db3)" "db3 还在运行：在 db3 上停止 MariaDB（galera-stop）" \
    "$(t "db3 down" "db3 已停止")" "$(t "db3 up, cluster size" "db3 在运行，集群成员数") $(wsrep_field wsrep_cluster_size)"
fi
for h in db1 db2; do
  wsrep_status "$h" ||
    fail "MariaDB does not answer on $h: only db3 should be down" "$h 上的 MariaDB 没有响应：只应该停掉 db3" \
      "$(t "$h up" "$h 在运行")" "$(t "no answer" "没有响应")"
  status=$(wsrep_field wsrep_cluster_status); size=$(wsrep_field wsrep_cluster_size)
  [ "$status" = Primary ] && [ "$size" = 2 ] ||
    fail "$h should be in a Primary cluster of 2 (db1, db2)" "$h 应该处在一个 2 节点的 Primary 集群中（db1、db2）" \
      "Primary, size 2" "$status, size $size"
  writers=$(mariadb_q "$h" "SET SESSION wsrep_sync_wait = 1; SELECT DISTINCT written_on FROM shop.orders WHERE cluster_size = 2 AND created_at >
    (SELECT COALESCE(MAX(created_at), 0) FROM shop.orders WHERE cluster_size = 3) ORDER BY 1" | paste -sd, -)
  [ "$writers" = db1,db2 ] ||
    fail "$h does not hold new orders written on both db1 and db2 since db3 left: keep writing on both survivors" \
      "$h 上没有 db3 离开之后分别在 db1 和 db2 上写入的新订单：在两个幸存节点上都继续写入" \
      "$(t "new orders written on db1,db2" "在 db1、db2 上写入的新订单")" \
      "$(t "new orders written on" "写入新订单的节点：") ${writers:-$(t "(none)" "（无）")}"
done
pass "db3 is down; db1 and db2 are still a Primary cluster of 2 and both take writes" \
  "db3 已停止；db1 和 db2 仍是 2 节点的 Primary 集群，两个节点都能写入"
