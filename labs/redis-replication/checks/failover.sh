# Passes when redis-1 is gone (or demoted), one of redis-2/redis-3 is the master, the other
# replicates from it, and every Sentinel names the new master.
field() { printf '%s\n' "$1" | tr -d '\r' | sed -n "s/^$2://p"; }
ip_of() { getent hosts "$1" | awk '{print $1; exit}'; }

if old=$(redis-cli -h redis-1 INFO replication 2>/dev/null) && [ "$(field "$old" role)" = master ]; then
  fail "redis-1 still answers as the master: take it down (redis-cli -h redis-1 SHUTDOWN NOSAVE)" \
    "redis-1 仍以主节点身份响应：把它停掉（redis-cli -h redis-1 SHUTDOWN NOSAVE）" \
    "$(t "redis-1 down" "redis-1 已停止")" "redis-1 role:master"
fi
new=""; follower=""
for r in redis-2 redis-3; do
  role=$(field "$(redis-cli -h "$r" INFO replication)" role)
  if [ "$role" = master ]; then new=$r; else follower=$r; fi
done
[ -n "$new" ] ||
  fail "no replica has been promoted yet: Sentinel waits down-after-milliseconds, then votes" \
    "还没有副本被提升为主节点：Sentinel 要先等待 down-after-milliseconds，再投票" \
    "$(t "redis-2 or redis-3 role:master" "redis-2 或 redis-3 为 role:master")" "$(t "both replicas" "两个都还是副本")"
[ -n "$follower" ] ||
  fail "both redis-2 and redis-3 are masters: the other one must follow the new master" \
    "redis-2 和 redis-3 都是主节点：另一个应该跟随新的主节点"
info=$(redis-cli -h "$follower" INFO replication)
host=$(field "$info" master_host)
[ "$(ip_of "$host")" = "$(ip_of "$new")" ] || [ "$host" = "$(ip_of "$new")" ] ||
  fail "$follower does not follow the new master $new" "$follower 没有跟随新的主节点 $new" "master_host:$new" "master_host:$host"
[ "$(field "$info" master_link_status)" = up ] ||
  fail "$follower is still syncing with $new: check again in a moment" "$follower 还在和 $new 同步：稍等片刻再检查"
for s in sentinel-1 sentinel-2 sentinel-3; do
  addr=$(redis-cli -h "$s" -p 26379 SENTINEL get-master-addr-by-name shop | head -1)
  [ "$(ip_of "$addr")" = "$(ip_of "$new")" ] || [ "$addr" = "$(ip_of "$new")" ] ||
    fail "$s still names $addr as the master of shop" "$s 仍然认为 shop 的主节点是 $addr" "$new" "$addr"
done
pass "Sentinel promoted $new; $follower follows it" "Sentinel 把 $new 提升为主节点；$follower 跟随它"
