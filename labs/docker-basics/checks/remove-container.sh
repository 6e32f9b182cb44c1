# Passes when cache no longer exists at all and db still runs.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }

if docker container inspect cache >/dev/null 2>&1; then
  fail "cache still exists: docker stop only stops a container" "no container named cache" \
    "cache ($(docker container inspect cache --format '{{.State.Status}}'))"
fi
state=$(docker container inspect db --format '{{.State.Status}}' 2>/dev/null)
[ "$state" = running ] || fail "db should keep running" "running" "${state:-no container}"
echo "cache is gone; db still runs"
