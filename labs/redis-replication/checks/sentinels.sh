# Passes when all three Sentinels monitor redis-1 as "shop" with a quorum they can reach, and
# have discovered each other and both replicas (discovery takes a few seconds: we wait).
ip_of() { getent hosts "$1" | awk '{print $1; exit}'; }
# SENTINEL MASTER answers alternating field names and values.
master_field() { redis-cli -h "$1" -p 26379 SENTINEL MASTER shop | paste - - | awk -v f="$2" '$1 == f {print $2}'; }

master_ip=$(ip_of redis-1)
for s in sentinel-1 sentinel-2 sentinel-3; do
  reply=$(redis-cli -h "$s" -p 26379 SENTINEL MASTER shop 2>&1)
  case "$reply" in
    *"No such master"*|"") fail "$s does not monitor a master named shop" "$s 没有监控名为 shop 的主节点" ;;
  esac
  ip=$(master_field "$s" ip)
  [ "$(ip_of "$ip")" = "$master_ip" ] || [ "$ip" = "$master_ip" ] ||
    fail "$s watches $ip, not redis-1" "$s 监控的是 $ip，而不是 redis-1" "redis-1 ($master_ip)" "$ip"
  quorum=$(master_field "$s" quorum)
  if [ "$quorum" -gt 3 ] || [ "$quorum" -lt 2 ]; then
    fail "$s has quorum $quorum: with 3 Sentinels use 2 (a majority); more than 3 can never be reached" \
      "$s 的 quorum 是 $quorum：3 个 Sentinel 应该用 2（多数）；大于 3 永远不可能达到" \
      "quorum 2" "quorum $quorum"
  fi
done
for attempt in $(seq 1 12); do
  others=""; replicas=""
  for s in sentinel-1 sentinel-2 sentinel-3; do
    others="$others $(master_field "$s" num-other-sentinels)"
    replicas="$replicas $(master_field "$s" num-slaves)"
  done
  [ "$others" = " 2 2 2" ] && [ "$replicas" = " 2 2 2" ] && break
  sleep 1
done
[ "$others" = " 2 2 2" ] ||
  fail "the Sentinels have not all found each other (other Sentinels seen by each)" \
    "Sentinel 之间还没有全部互相发现（每个 Sentinel 看到的其他 Sentinel 数）" "2 2 2" "$others"
[ "$replicas" = " 2 2 2" ] ||
  fail "the Sentinels do not all see both replicas" "不是每个 Sentinel 都看到了两个副本" "2 2 2" "$replicas"
pass "three Sentinels watch redis-1 as shop with quorum $quorum and see each other" \
  "三个 Sentinel 以 shop 为名监控 redis-1，quorum 为 $quorum，并且互相可见"
