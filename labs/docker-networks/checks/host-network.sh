# Passes when http://workstation:80 (asked from the grader, another machine) is answered by the
# nginx in the container edge, and edge lives in the workstation's own network namespace: it
# sees the workstation's interfaces (docker0 among them), not a private eth0 of its own.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }

s=$(docker container inspect edge --format '{{.State.Status}}' 2>/dev/null)
[ "$s" = running ] || fail "there is no running container named edge" "running" "${s:-no container}"

marker="archlab-check-$RANDOM$RANDOM"
body=$(curl -sS -m 4 -A "$marker" http://workstation:80/ 2>&1)
case "$body" in
  *"Welcome to nginx"*) ;;
  *) fail "http://workstation:80 does not serve nginx's welcome page" "Welcome to nginx!" "$(echo "$body" | head -1)" ;;
esac
docker logs edge 2>&1 | grep -q "$marker" ||
  fail "something answers on the workstation's port 80, but not the nginx in edge (its log has no trace of the request)"

ifaces=$(docker exec edge cat /proc/net/dev 2>&1 | sed -n '3,$p' | cut -d: -f1 | xargs)
case " $ifaces " in
  *" docker0 "*) ;;
  *) fail "edge answers on port 80 but has a network namespace of its own (a published port is not the host network): run it with --network host" \
       "the workstation's interfaces (eth0, docker0, ...)" "$ifaces" ;;
esac
echo "edge shares the workstation's network namespace and serves http://workstation:80"
