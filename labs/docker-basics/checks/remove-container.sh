# Passes when cache no longer exists at all and db still runs.
if docker container inspect cache >/dev/null 2>&1; then
  fail "cache still exists: docker stop only stops a container" \
    "cache 还在：docker stop 只是停止容器，并不删除它" \
    "$(t "no container named cache" "没有名为 cache 的容器")" \
    "cache ($(docker container inspect cache --format '{{.State.Status}}'))"
fi
state=$(docker container inspect db --format '{{.State.Status}}' 2>/dev/null)
[ "$state" = running ] ||
  fail "db should keep running" "db 应该继续运行" "running" "${state:-$(t "no container" "没有这个容器")}"
pass "cache is gone; db still runs" "cache 已删除，db 仍在运行"
