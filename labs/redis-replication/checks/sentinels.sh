# Passes when all three Sentinels monitor redis-1 as "shop" with a quorum they can reach, and
# have discovered each other and both replicas (discovery takes a few seconds: we wait).
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }
ip_of() { getent hosts "$1" | awk '{print $1; exit}'; }
# SENTINEL MASTER answers alternating field names and values.
master_field() { redis-cli -h "$1" -p 26379 SENTINEL MASTER shop | paste - - | awk -v f="$2" '$1 == f {print $2}'; }

master_ip=$(ip_of redis-1)
for s in sentinel-1 sentinel-2 sentinel-3; do
  reply=$(redis-cli -h "$s" -p 26379 SENTINEL MASTER shop 2>&1)
  case "$reply" in *"No such master"*|"") fail "$s does not monitor a master named shop" ;; esac
  ip=$(master_field "$s" ip)
  [ "$(ip_of "$ip")" = "$master_ip" ] || [ "$ip" = "$master_ip" ] ||
    fail "$s watches $ip, not redis-1" "redis-1 ($master_ip)" "$ip"
  quorum=$(master_field "$s" quorum)
  if [ "$quorum" -gt 3 ] || [ "$quorum" -lt 2 ]; then
    fail "$s has quorum $quorum: with 3 Sentinels use 2 (a majority); more than 3 can never be reached" \
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
  fail "the Sentinels have not all found each other (other Sentinels seen by each)" "2 2 2" "$others"
[ "$replicas" = " 2 2 2" ] || fail "the Sentinels do not all see both replicas" "2 2 2" "$replicas"
echo "three Sentinels watch redis-1 as shop with quorum $quorum and see each other"
