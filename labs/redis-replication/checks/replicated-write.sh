# Passes when order:1001=paid was written on the master, reached both replicas through
# replication, and the replicas refuse writes (so the value cannot have been typed there).
value=$(redis-cli -h redis-1 GET order:1001)
[ "$value" = paid ] || fail "redis-1 does not hold order:1001=paid" "redis-1 上还没有 order:1001=paid" paid "${value:-(nil)}"
for r in redis-2 redis-3; do
  probe=$(redis-cli -h "$r" SET archlab:probe 1 2>&1)
  if ! printf '%s' "$probe" | grep -q READONLY; then
    redis-cli -h "$r" DEL archlab:probe >/dev/null
    fail "$r accepted a write: a replica must refuse writes (replica-read-only yes)" \
      "$r 接受了写入：副本必须拒绝写入（replica-read-only yes）" \
      "(error) READONLY You can't write against a read only replica." "$probe"
  fi
  copy=$(redis-cli -h "$r" GET order:1001)
  [ "$copy" = paid ] || fail "order:1001 has not reached $r" "order:1001 还没有复制到 $r" paid "${copy:-(nil)}"
done
pass "the write on redis-1 reached both replicas, and they refuse writes" \
  "在 redis-1 上的写入已复制到两个副本，而且副本拒绝写入"
