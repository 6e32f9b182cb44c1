# Passes when a user-defined bridge network shopnet exists, db runs on it, and a fresh
# container on shopnet reaches db by name.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }

docker network inspect shopnet >/dev/null 2>&1 || fail "there is no network named shopnet (docker network ls)"
driver=$(docker network inspect shopnet --format '{{.Driver}}')
[ "$driver" = bridge ] || fail "shopnet should be a bridge network" "bridge" "$driver"
state=$(docker container inspect db --format '{{.State.Status}}' 2>/dev/null)
[ "$state" = running ] || fail "there is no running container named db" "running" "${state:-no container}"
nets=$(docker container inspect db --format '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}} {{end}}')
case " $nets" in *" shopnet "*) ;; *) fail "db is not attached to shopnet" "shopnet" "$nets" ;; esac
reply=$(docker run --rm --network shopnet redis:7 redis-cli -h db ping 2>&1)
[ "$reply" = PONG ] || fail "a container on shopnet cannot reach db by name" "PONG" "$reply"
echo "containers on shopnet reach db by its name"
