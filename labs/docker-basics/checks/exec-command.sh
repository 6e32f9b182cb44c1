# Passes when the Redis inside cache holds course=archlab.
[ "$(docker container inspect cache --format '{{.State.Status}}' 2>/dev/null)" = running ] ||
  fail "cache is not running: start it first" "cache 没有在运行：先把它启动起来"
value=$(docker exec cache redis-cli GET course)
[ "$value" = archlab ] ||
  fail "the Redis inside cache has no course=archlab" "cache 里的 Redis 还没有 course=archlab" \
    "archlab" "${value:-(nil)}"
pass "course=archlab is set inside cache" "cache 里已经有 course=archlab"
