# Passes when MariaDB runs on db1 with Galera, as a new cluster of its own: Primary, one
# member, Synced and ready. Reads db1's SHOW STATUS LIKE 'wsrep_%' over the network.
wsrep_status db1 ||
  fail "MariaDB does not answer on db1: bootstrap the cluster there (galera-start --new-cluster)" \
    "db1 上的 MariaDB 没有响应：在 db1 上引导集群（galera-start --new-cluster）" \
    "$(t "db1 up" "db1 在运行")" "$(t "no answer on db1:3306" "db1:3306 没有响应")"
expect_wsrep wsrep_connected ON "MariaDB runs on db1 without a Galera connection (was it started with Galera off?)" \
  "db1 上的 MariaDB 在运行，但没有连上 Galera（启动时是不是没有打开 Galera？）"
expect_wsrep wsrep_cluster_status Primary "db1 is not in a Primary Component" "db1 不在主组件（Primary Component）中"
expect_wsrep wsrep_cluster_size 1 "db1's cluster should have only db1 for now" "db1 的集群目前应该只有 db1 一个成员"
state=$(wsrep_field wsrep_local_state_comment); ready=$(wsrep_field wsrep_ready)
[ "$state" = Synced ] && [ "$ready" = ON ] ||
  fail "db1 is not ready yet: check again in a moment" "db1 还没准备好：稍等片刻再检查" \
    "Synced, wsrep_ready ON" "$state, wsrep_ready $ready"
uuid=$(wsrep_field wsrep_cluster_state_uuid)
pass "db1 bootstrapped a new cluster: Primary, size 1, Synced (state UUID $uuid)" \
  "db1 引导了一个新集群：Primary，成员数 1，Synced（状态 UUID $uuid）"
