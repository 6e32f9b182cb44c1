# Passes when cache runs again and still holds course=archlab: the same container, restarted.
state=$(docker container inspect cache --format '{{.State.Status}}' 2>/dev/null)
[ "$state" = running ] ||
  fail "cache is not running" "cache 没有在运行" "running" "${state:-$(t "no container" "没有这个容器")}"
for _ in 1 2 3 4 5 6 7 8 9 10; do
  value=$(docker exec cache redis-cli GET course 2>/dev/null) && [ -n "$value" ] && break
  sleep 0.5
done
[ "$value" = archlab ] ||
  fail "cache runs, but course=archlab is gone: is this a new container instead of the old one restarted?" \
    "cache 在运行，但 course=archlab 不见了：这是不是新建的容器，而不是把原来那个重新启动？" \
    "archlab" "${value:-(nil)}"
pass "cache is back, with its data" "cache 回来了，数据也还在"
