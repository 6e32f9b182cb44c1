# Passes when cache exists, has exited, and exited cleanly (code 0 after SIGTERM) rather than
# being killed (137) or paused.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }

docker container inspect cache >/dev/null 2>&1 || fail "there is no container named cache any more: it should only be stopped"
state=$(docker container inspect cache --format '{{.State.Status}}')
[ "$state" = exited ] || fail "cache is not stopped" "exited" "$state"
code=$(docker container inspect cache --format '{{.State.ExitCode}}')
[ "$code" = 0 ] || fail "cache was killed, not stopped gracefully: docker stop lets Redis save and exit" \
  "exit code 0" "exit code $code"
echo "cache stopped gracefully; its logs end with Redis saving the data"
