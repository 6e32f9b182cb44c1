# Passes when db1 survives without quorum: it answers, is non-Primary, and REFUSES a write
# (the probe INSERT runs with autocommit off and is rolled back, so it changes nothing even if
# a node wrongly accepts it). db2 and db3 must not be running in a Primary Component.

wsrep_status db1 ||
  fail "MariaDB does not answer on db1: db1 is the survivor here; take db2 away instead" \
    "db1 上的 MariaDB 没有响应：这一步里 db1 是幸存者，应该让 db2 出故障" \
    "$(t "db1 up" "db1 在运行")" "$(t "no answer on db1:3306" "db1:3306 没有响应")"
for h in db2 db3; do
  if other=$(mariadb_q "$h" "SHOW GLOBAL STATUS LIKE 'wsrep_cluster_status'") && [ "$(printf '%s' "$other" | cut -f2)" = Primary ]; then
    fail "$h still runs in a Primary Component" "$h 仍在主组件（Primary Component）中运行" \
      "$(t "$h gone" "$h 已不在")" "$h Primary"
  fi
done
status=$(wsrep_field wsrep_cluster_status); size=$(wsrep_field wsrep_cluster_size)
if probe=$(mariadb_q db1 "SET autocommit = 0; INSERT INTO shop.orders (item) VALUES ('quorum probe'); ROLLBACK"); then
  fail "db1 still accepts writes ($status, size $size). A node that stops gracefully leaves the cluster, which shrinks and keeps its quorum; a node that crashes or is cut off does not: make db2 fail (kill -9)" \
    "db1 仍然接受写入（$status，成员数 $size）。正常停止的节点会主动离开集群，集群随之缩小并保住法定人数；崩溃或断网的节点则不会：让 db2 真正出故障（kill -9）" \
    "ERROR 1047: WSREP has not yet prepared node for application use" "$(t "the INSERT succeeded" "INSERT 成功了")"
fi
case "$probe" in
  *1047*) ;;
  *) fail "db1 refused the write for another reason than quorum" "db1 拒绝了写入，但原因不是失去法定人数" \
       "ERROR 1047 (WSREP not ready)" "$probe" ;;
esac
[ "$status" = non-Primary ] ||
  fail "db1 refuses writes but is not non-Primary" "db1 拒绝写入，但它的状态不是 non-Primary" non-Primary "$status"
pass "db1 alone is non-Primary (1 of 2 is no majority) and refuses writes: ERROR 1047" \
  "只剩 db1 时它是 non-Primary（2 个里的 1 个不是多数），拒绝写入：ERROR 1047"
