# Passes when web-cache (Redis) and shop-app both run on the default bridge network only, the
# name web-cache does not resolve there (no DNS, no --link), and shop-app is connected to
# web-cache by IP: web-cache itself lists a live client from shop-app's address, and visits counts.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }
state() { docker container inspect "$1" --format '{{.State.Status}}' 2>/dev/null; }
nets() { docker container inspect "$1" --format '{{range $n, $_ := .NetworkSettings.Networks}}{{$n}} {{end}}' 2>/dev/null | xargs; }

s=$(state web-cache)
[ "$s" = running ] || fail "there is no running container named web-cache (docker ps -a)" "running" "${s:-no container}"
n=$(nets web-cache)
[ "$n" = bridge ] || fail "web-cache should be on the default bridge network only (start it without --network)" "bridge" "${n:-no network}"
pong=$(docker exec web-cache redis-cli ping 2>&1)
[ "$pong" = PONG ] || fail "Redis does not answer inside web-cache: is it a redis:7 container?" "PONG" "$pong"
ip=$(docker container inspect web-cache --format '{{.NetworkSettings.Networks.bridge.IPAddress}}')

s=$(state shop-app)
if [ "$s" != running ]; then
  logs=$(docker logs --tail 2 shop-app 2>&1 | tail -1)
  fail "there is no running container named shop-app${logs:+; its last words: $logs}" "running" "${s:-no container}"
fi
n=$(nets shop-app)
[ "$n" = bridge ] || fail "shop-app should be on the default bridge network only" "bridge" "${n:-no network}"
app_ip=$(docker container inspect shop-app --format '{{.NetworkSettings.Networks.bridge.IPAddress}}')

# The default bridge has no DNS for container names. If shop-app resolves the name, it was
# started with the deprecated --link (which writes web-cache into its /etc/hosts).
if resolved=$(docker exec shop-app getent hosts web-cache 2>/dev/null); then
  fail "shop-app resolves web-cache by name: it was started with the deprecated --link, which copies the name into its /etc/hosts. Start shop-app without --link and use web-cache's IP" \
    "web-cache does not resolve inside shop-app" "$(echo "$resolved" | xargs)"
fi

# A fresh container on the default bridge: the name fails, the IP answers.
probe=$(docker run --rm --label archlab.probe=true redis:7 bash -c \
  'timeout 3 redis-cli -h web-cache ping 2>&1 | head -1; echo "--"; timeout 3 redis-cli -h "$1" ping 2>&1 | head -1' probe "$ip" 2>/dev/null)
by_name=${probe%%--*}
by_ip=$(echo "${probe#*--}" | xargs)
case "$by_name" in *PONG*) fail "a fresh container on the default bridge reached web-cache by name: the default bridge should have no DNS" "no answer by name" "PONG" ;; esac
[ "$by_ip" = PONG ] || fail "a fresh container on the default bridge cannot reach web-cache at its IP $ip" "PONG" "${by_ip:-no answer}"

# web-cache sees shop-app's connection: its client list has an entry from shop-app's address.
for _ in 1 2 3 4 5 6; do
  clients=$(docker exec web-cache redis-cli CLIENT LIST 2>/dev/null)
  case "$clients" in *"addr=$app_ip:"*) break ;; esac
  sleep 0.5
done
case "$clients" in
  *"addr=$app_ip:"*) ;;
  *) fail "web-cache has no client connected from shop-app ($app_ip): run shop-app as a client of web-cache's IP, e.g. redis-cli -h $ip -r -1 -i 1 INCR visits" \
       "a client from $app_ip" "$(echo "$clients" | grep -o 'addr=[0-9.]*' | grep -v 127.0.0.1 | xargs)" ;;
esac
visits=$(docker exec web-cache redis-cli GET visits)
[ "${visits:-0}" -ge 1 ] 2>/dev/null || fail "shop-app is connected, but web-cache has no visits counter yet" "visits >= 1" "${visits:-(nil)}"
echo "shop-app reaches web-cache at $ip (visits=$visits); the name web-cache does not resolve on the default bridge"
