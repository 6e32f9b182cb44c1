# Passes when the Redis inside cache holds course=archlab.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }

[ "$(docker container inspect cache --format '{{.State.Status}}' 2>/dev/null)" = running ] ||
  fail "cache is not running: start it first"
value=$(docker exec cache redis-cli GET course)
[ "$value" = archlab ] || fail "the Redis inside cache has no course=archlab" "archlab" "${value:-(nil)}"
echo "course=archlab is set inside cache"
