# Passes when a running container named cache runs redis:7 and Redis answers inside it.
docker container inspect cache >/dev/null 2>&1 ||
  fail "there is no container named cache (docker ps -a)" "还没有名为 cache 的容器（用 docker ps -a 看看）"
image=$(docker container inspect cache --format '{{.Config.Image}}')
[ "$image" = redis:7 ] || fail "cache runs the wrong image" "cache 用错了镜像" "redis:7" "$image"
state=$(docker container inspect cache --format '{{.State.Status}}')
[ "$state" = running ] || fail "cache exists but is not running" "cache 存在，但没有在运行" "running" "$state"
pong=$(docker exec cache redis-cli ping 2>&1)
[ "$pong" = PONG ] || fail "Redis does not answer inside cache yet" "cache 里的 Redis 还没有响应" "PONG" "$pong"
pass "cache runs redis:7 in the background" "cache 正在后台运行 redis:7"
