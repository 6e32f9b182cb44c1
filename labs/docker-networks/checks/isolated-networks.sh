# Passes when frontnet and backnet exist, front-web (on frontnet) and back-db (on backnet) run,
# each is reachable from a fresh container on its own network, and nothing crosses between the
# two networks: neither a fresh container on frontnet nor front-web itself reaches back-db, by
# name or at any of its addresses, and a fresh container on backnet does not reach front-web.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }
# One inspect for all containers (each docker call costs a few tenths of a second):
# a line "/NAME STATUS NETWORK=IP ..." per existing container.
snapshot=$(docker container inspect front-web back-db --format \
  '{{.Name}} {{.State.Status}} {{range $n, $v := .NetworkSettings.Networks}}{{$n}}={{$v.IPAddress}} {{end}}' 2>/dev/null)
line() { echo "$snapshot" | grep "^/$1 "; }
state() { line "$1" | cut -d' ' -f2; }
nets() { line "$1" | cut -d' ' -f3- | tr ' ' '\n' | cut -d= -f1 | xargs; }
ips() { line "$1" | cut -d' ' -f3- | tr ' ' '\n' | cut -d= -f2 | xargs; }
# Tries a TCP connection to each HOST:PORT argument (in parallel, 3 s each); prints "HOST:PORT open|closed".
PROBE='for t in "$@"; do
  ( if timeout 3 bash -c "exec 3<>/dev/tcp/${t%:*}/${t##*:}" 2>/dev/null; then echo "$t open"; else echo "$t closed"; fi ) &
done; wait'
open() { grep -qx "$2 open" "$tmp/$1"; }

for n in frontnet backnet; do
  docker network inspect "$n" >/dev/null 2>&1 || fail "there is no network named $n (docker network ls)"
done
for c in front-web back-db; do
  s=$(state "$c")
  [ "$s" = running ] || fail "there is no running container named $c" "running" "${s:-no container}"
done
on() { case " $(nets "$1") " in *" $2 "*) return 0 ;; esac; return 1; }
on front-web frontnet || fail "front-web is not attached to frontnet" "frontnet" "$(nets front-web)"
on back-db backnet || fail "back-db is not attached to backnet" "backnet" "$(nets back-db)"
fw_ips=$(ips front-web)
db_ips=$(ips back-db)

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
docker run --rm --label archlab.probe=true --network frontnet redis:7 bash -c "$PROBE" probe \
  front-web:80 back-db:6379 $(printf '%s:6379 ' $db_ips) >"$tmp/frontnet" 2>/dev/null &
docker run --rm --label archlab.probe=true --network backnet redis:7 bash -c "$PROBE" probe \
  back-db:6379 front-web:80 $(printf '%s:80 ' $fw_ips) >"$tmp/backnet" 2>/dev/null &
docker exec front-web bash -c "$PROBE" probe back-db:6379 $(printf '%s:6379 ' $db_ips) >"$tmp/front-web" 2>/dev/null &
wait

for t in back-db:6379 $(printf '%s:6379 ' $db_ips); do
  open frontnet "$t" && fail "a container on frontnet reaches back-db at $t: frontnet and backnet must not reach each other" \
    "back-db on backnet only" "back-db on: $(nets back-db)"
  open front-web "$t" && fail "front-web reaches back-db at $t: the two networks must not reach each other" \
    "front-web on frontnet, back-db on backnet" "front-web on: $(nets front-web); back-db on: $(nets back-db)"
done
for t in front-web:80 $(printf '%s:80 ' $fw_ips); do
  open backnet "$t" && fail "a container on backnet reaches front-web at $t: the two networks must not reach each other" \
    "front-web on frontnet only" "front-web on: $(nets front-web)"
done
open frontnet front-web:80 || fail "a fresh container on frontnet cannot reach front-web by name (port 80)" \
  "front-web on frontnet" "front-web on: $(nets front-web)"
open backnet back-db:6379 || fail "a fresh container on backnet cannot reach back-db by name (port 6379)" \
  "back-db on backnet" "back-db on: $(nets back-db)"
[ "$(nets front-web)" = frontnet ] || fail "front-web should be on frontnet only" "frontnet" "$(nets front-web)"
[ "$(nets back-db)" = backnet ] || fail "back-db should be on backnet only" "backnet" "$(nets back-db)"
echo "frontnet reaches front-web, backnet reaches back-db, and neither network reaches the other"
