# Passes when redis-1 is gone (or demoted), one of redis-2/redis-3 is the master, the other
# replicates from it, and every Sentinel names the new master.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }
field() { printf '%s\n' "$1" | tr -d '\r' | sed -n "s/^$2://p"; }
ip_of() { getent hosts "$1" | awk '{print $1; exit}'; }

if old=$(redis-cli -h redis-1 INFO replication 2>/dev/null) && [ "$(field "$old" role)" = master ]; then
  fail "redis-1 still answers as the master: take it down (redis-cli -h redis-1 SHUTDOWN NOSAVE)" \
    "redis-1 down" "redis-1 role:master"
fi
new=""; follower=""
for r in redis-2 redis-3; do
  role=$(field "$(redis-cli -h "$r" INFO replication)" role)
  if [ "$role" = master ]; then new=$r; else follower=$r; fi
done
[ -n "$new" ] || fail "no replica has been promoted yet: Sentinel waits down-after-milliseconds, then votes" \
  "redis-2 or redis-3 role:master" "both replicas"
[ -n "$follower" ] || fail "both redis-2 and redis-3 are masters: the other one must follow the new master"
info=$(redis-cli -h "$follower" INFO replication)
host=$(field "$info" master_host)
[ "$(ip_of "$host")" = "$(ip_of "$new")" ] || [ "$host" = "$(ip_of "$new")" ] ||
  fail "$follower does not follow the new master $new" "master_host:$new" "master_host:$host"
[ "$(field "$info" master_link_status)" = up ] || fail "$follower is still syncing with $new: check again in a moment"
for s in sentinel-1 sentinel-2 sentinel-3; do
  addr=$(redis-cli -h "$s" -p 26379 SENTINEL get-master-addr-by-name shop | head -1)
  [ "$(ip_of "$addr")" = "$(ip_of "$new")" ] || [ "$addr" = "$(ip_of "$new")" ] ||
    fail "$s still names $addr as the master of shop" "$new" "$addr"
done
echo "Sentinel promoted $new; $follower follows it"
