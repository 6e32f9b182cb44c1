# Passes when web-cache (Redis) and shop-app both run on the default bridge network only, the
# name web-cache does not resolve there (no DNS, no --link), and shop-app is connected to
# web-cache by IP: web-cache itself lists a live client from shop-app's address, and visits counts.
no_net=$(t "no network" "没有网络")

expect_running web-cache
n=$(container_nets web-cache)
[ "$n" = bridge ] ||
  fail "web-cache should be on the default bridge network only (start it without --network)" \
    "web-cache 应该只在默认的 bridge 网络上（启动时不要加 --network）" bridge "${n:-$no_net}"
pong=$(docker exec web-cache redis-cli ping 2>&1)
[ "$pong" = PONG ] ||
  fail "Redis does not answer inside web-cache: is it a redis:7 container?" \
    "web-cache 里的 Redis 没有响应：它是 redis:7 容器吗？" PONG "$pong"
ip=$(docker container inspect web-cache --format '{{.NetworkSettings.Networks.bridge.IPAddress}}')

expect_running shop-app log
n=$(container_nets shop-app)
[ "$n" = bridge ] ||
  fail "shop-app should be on the default bridge network only" "shop-app 应该只在默认的 bridge 网络上" \
    bridge "${n:-$no_net}"
app_ip=$(docker container inspect shop-app --format '{{.NetworkSettings.Networks.bridge.IPAddress}}')

# The default bridge has no DNS for container names. If shop-app resolves the name, it was
# started with the deprecated --link (which writes web-cache into its /etc/hosts).
if resolved=$(docker exec shop-app getent hosts web-cache 2>/dev/null); then
  fail "shop-app resolves web-cache by name: it was started with the deprecated --link, which copies the name into its /etc/hosts. Start shop-app without --link and use web-cache's IP" \
    "shop-app 能解析 web-cache 这个名字：它是用已废弃的 --link 启动的，--link 会把名字写进它的 /etc/hosts。请不加 --link 启动 shop-app，改用 web-cache 的 IP" \
    "$(t "web-cache does not resolve inside shop-app" "shop-app 里解析不到 web-cache")" "$(echo "$resolved" | xargs)"
fi

# A fresh container on the default bridge: the name fails, the IP answers.
probe=$(docker run --rm --label archlab.probe=true redis:7 bash -c \
  'timeout 3 redis-cli -h web-cache ping 2>&1 | head -1; echo "--"; timeout 3 redis-cli -h "$1" ping 2>&1 | head -1' probe "$ip" 2>/dev/null)
by_name=${probe%%--*}
by_ip=$(echo "${probe#*--}" | xargs)
case "$by_name" in
  *PONG*) fail "a fresh container on the default bridge reached web-cache by name: the default bridge should have no DNS" \
            "默认 bridge 上新启动的容器通过名字访问到了 web-cache：默认 bridge 本不该有 DNS" \
            "$(t "no answer by name" "按名字访问没有响应")" PONG ;;
esac
[ "$by_ip" = PONG ] ||
  fail "a fresh container on the default bridge cannot reach web-cache at its IP $ip" \
    "默认 bridge 上新启动的容器无法通过 IP $ip 访问 web-cache" PONG "${by_ip:-$(t "no answer" "没有响应")}"

# web-cache sees shop-app's connection: its client list has an entry from shop-app's address.
redis_client_from web-cache "$app_ip" ||
  fail "web-cache has no client connected from shop-app ($app_ip): run shop-app as a client of web-cache's IP, e.g. redis-cli -h $ip -r -1 -i 1 INCR visits" \
    "web-cache 上没有来自 shop-app（$app_ip）的客户端连接：让 shop-app 作为客户端连接 web-cache 的 IP，例如 redis-cli -h $ip -r -1 -i 1 INCR visits" \
    "$(t "a client from $app_ip" "来自 $app_ip 的客户端")" "$REDIS_CLIENTS"
expect_counter web-cache visits shop-app
visits=$COUNTER
pass "shop-app reaches web-cache at $ip (visits=$visits); the name web-cache does not resolve on the default bridge" \
  "shop-app 通过 $ip 访问 web-cache（visits=$visits）；在默认 bridge 上解析不到 web-cache 这个名字"
