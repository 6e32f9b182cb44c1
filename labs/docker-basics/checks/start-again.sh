# Passes when cache runs again and still holds course=archlab: the same container, restarted.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }

state=$(docker container inspect cache --format '{{.State.Status}}' 2>/dev/null)
[ "$state" = running ] || fail "cache is not running" "running" "${state:-no container}"
for _ in 1 2 3 4 5 6 7 8 9 10; do
  value=$(docker exec cache redis-cli GET course 2>/dev/null) && [ -n "$value" ] && break
  sleep 0.5
done
[ "$value" = archlab ] || fail "cache runs, but course=archlab is gone: is this a new container instead of the old one restarted?" \
  "archlab" "${value:-(nil)}"
echo "cache is back, with its data"
