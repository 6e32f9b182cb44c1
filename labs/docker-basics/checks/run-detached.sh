# Passes when a running container named cache runs redis:7 and Redis answers inside it.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }

docker container inspect cache >/dev/null 2>&1 || fail "there is no container named cache (docker ps -a)"
image=$(docker container inspect cache --format '{{.Config.Image}}')
[ "$image" = redis:7 ] || fail "cache runs the wrong image" "redis:7" "$image"
state=$(docker container inspect cache --format '{{.State.Status}}')
[ "$state" = running ] || fail "cache exists but is not running" "running" "$state"
pong=$(docker exec cache redis-cli ping 2>&1)
[ "$pong" = PONG ] || fail "Redis does not answer inside cache yet" "PONG" "$pong"
echo "cache runs redis:7 in the background"
