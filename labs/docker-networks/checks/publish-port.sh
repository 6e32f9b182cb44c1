# Passes when http://workstation:8081 (asked from the grader, another machine) is answered by the
# nginx in shop-web, a container in a network namespace of its own (not --network host).
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }

s=$(docker container inspect shop-web --format '{{.State.Status}}' 2>/dev/null)
[ "$s" = running ] || fail "there is no running container named shop-web" "running" "${s:-no container}"
mode=$(docker container inspect shop-web --format '{{.HostConfig.NetworkMode}}')
[ "$mode" != host ] || fail "shop-web runs on the host network: this step publishes a port of a bridge container" "bridge" "host"

marker="archlab-check-$RANDOM$RANDOM"
body=$(curl -sS -m 4 -A "$marker" http://workstation:8081/ 2>&1)
case "$body" in
  *"Welcome to nginx"*) ;;
  *) ports=$(docker port shop-web 2>/dev/null | xargs)
     fail "http://workstation:8081 does not serve nginx's welcome page from another machine (published: ${ports:-nothing})" \
       "80/tcp -> 0.0.0.0:8081" "${ports:-no published port}" ;;
esac
docker logs shop-web 2>&1 | grep -q "$marker" ||
  fail "something answers on the workstation's port 8081, but not the nginx in shop-web"
echo "the workstation's port 8081 leads to port 80 of shop-web"
