# Passes when the user-defined network shopnet exists, session-store (Redis) runs on it, a fresh
# container on shopnet reaches session-store by name, and cart, a client on shopnet, is connected
# to session-store (session-store lists cart's address among its clients; carts counts).
on() { case " $(container_nets "$1") " in *" $2 "*) return 0 ;; esac; return 1; }

docker network inspect shopnet >/dev/null 2>&1 ||
  fail "there is no network named shopnet (docker network ls)" "还没有名为 shopnet 的网络（用 docker network ls 看看）"
driver=$(docker network inspect shopnet --format '{{.Driver}}')
[ "$driver" = bridge ] || fail "shopnet should be a bridge network" "shopnet 应该是 bridge 网络" bridge "$driver"

expect_running session-store
on session-store shopnet ||
  fail "session-store is not attached to shopnet" "session-store 没有接入 shopnet" shopnet "$(container_nets session-store)"

reply=$(docker run --rm --label archlab.probe=true --network shopnet redis:7 \
  bash -c 'timeout 3 redis-cli -h session-store ping 2>&1' 2>/dev/null | head -1)
[ "$reply" = PONG ] ||
  fail "a fresh container on shopnet cannot reach session-store by name" \
    "shopnet 上新启动的容器无法通过名字访问 session-store" PONG "${reply:-$(t "no answer" "没有响应")}"

expect_running cart log
on cart shopnet || fail "cart is not attached to shopnet" "cart 没有接入 shopnet" shopnet "$(container_nets cart)"
cart_ip=$(docker container inspect cart --format '{{.NetworkSettings.Networks.shopnet.IPAddress}}')
redis_client_from session-store "$cart_ip" ||
  fail "session-store has no client connected from cart ($cart_ip): run cart as redis-cli -h session-store -r -1 -i 1 INCR carts" \
    "session-store 上没有来自 cart（$cart_ip）的客户端连接：让 cart 运行 redis-cli -h session-store -r -1 -i 1 INCR carts" \
    "$(t "a client from $cart_ip" "来自 $cart_ip 的客户端")" "$REDIS_CLIENTS"
expect_counter session-store carts cart
carts=$COUNTER
pass "on shopnet, session-store is reached by its name (carts=$carts)" \
  "在 shopnet 上可以通过名字访问 session-store（carts=$carts）"
