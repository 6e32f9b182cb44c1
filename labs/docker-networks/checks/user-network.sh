# Passes when the user-defined network shopnet exists, session-store (Redis) runs on it, a fresh
# container on shopnet reaches session-store by name, and cart, a client on shopnet, is connected
# to session-store (session-store lists cart's address among its clients; carts counts).
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }
state() { docker container inspect "$1" --format '{{.State.Status}}' 2>/dev/null; }
nets() { docker container inspect "$1" --format '{{range $n, $_ := .NetworkSettings.Networks}}{{$n}} {{end}}' 2>/dev/null | xargs; }
on() { case " $(nets "$1") " in *" $2 "*) return 0 ;; esac; return 1; }

docker network inspect shopnet >/dev/null 2>&1 || fail "there is no network named shopnet (docker network ls)"
driver=$(docker network inspect shopnet --format '{{.Driver}}')
[ "$driver" = bridge ] || fail "shopnet should be a bridge network" "bridge" "$driver"

s=$(state session-store)
[ "$s" = running ] || fail "there is no running container named session-store" "running" "${s:-no container}"
on session-store shopnet || fail "session-store is not attached to shopnet" "shopnet" "$(nets session-store)"

reply=$(docker run --rm --label archlab.probe=true --network shopnet redis:7 \
  bash -c 'timeout 3 redis-cli -h session-store ping 2>&1' 2>/dev/null | head -1)
[ "$reply" = PONG ] || fail "a fresh container on shopnet cannot reach session-store by name" "PONG" "${reply:-no answer}"

s=$(state cart)
if [ "$s" != running ]; then
  logs=$(docker logs --tail 2 cart 2>&1 | tail -1)
  fail "there is no running container named cart${logs:+; its last words: $logs}" "running" "${s:-no container}"
fi
on cart shopnet || fail "cart is not attached to shopnet" "shopnet" "$(nets cart)"
cart_ip=$(docker container inspect cart --format '{{.NetworkSettings.Networks.shopnet.IPAddress}}')
for _ in 1 2 3 4 5 6; do
  clients=$(docker exec session-store redis-cli CLIENT LIST 2>/dev/null)
  case "$clients" in *"addr=$cart_ip:"*) break ;; esac
  sleep 0.5
done
case "$clients" in
  *"addr=$cart_ip:"*) ;;
  *) fail "session-store has no client connected from cart ($cart_ip): run cart as redis-cli -h session-store -r -1 -i 1 INCR carts" \
       "a client from $cart_ip" "$(echo "$clients" | grep -o 'addr=[0-9.]*' | grep -v 127.0.0.1 | xargs)" ;;
esac
carts=$(docker exec session-store redis-cli GET carts)
[ "${carts:-0}" -ge 1 ] 2>/dev/null || fail "cart is connected, but session-store has no carts counter yet" "carts >= 1" "${carts:-(nil)}"
echo "on shopnet, session-store is reached by its name (carts=$carts)"
