# Passes when redis-2 and redis-3 both replicate directly from redis-1 with the link up.
field() { printf '%s\n' "$1" | tr -d '\r' | sed -n "s/^$2://p"; }
ip_of() { getent hosts "$1" | awk '{print $1; exit}'; }

master_ip=$(ip_of redis-1)
for r in redis-2 redis-3; do
  info=$(redis-cli -h "$r" INFO replication) || fail "cannot reach $r on port 6379" "连不上 $r 的 6379 端口"
  role=$(field "$info" role)
  [ "$role" = slave ] || fail "$r is not a replica yet" "$r 还不是副本" "role:slave" "role:$role"
  host=$(field "$info" master_host)
  [ "$(ip_of "$host")" = "$master_ip" ] ||
    fail "$r replicates from $host, not from redis-1" "$r 复制的是 $host，而不是 redis-1" "master_host:redis-1" "master_host:$host"
  link=$(field "$info" master_link_status)
  [ "$link" = up ] ||
    fail "$r's link to redis-1 is $link: still syncing? check again in a moment" \
      "$r 到 redis-1 的复制链路状态是 $link：可能还在同步，稍等片刻再检查"
done
replicas=$(field "$(redis-cli -h redis-1 INFO replication)" connected_slaves)
[ "$replicas" = 2 ] ||
  fail "redis-1 does not see both replicas" "redis-1 没有看到两个副本" "connected_slaves:2" "connected_slaves:$replicas"
pass "redis-2 and redis-3 replicate from redis-1" "redis-2 和 redis-3 都在复制 redis-1"
