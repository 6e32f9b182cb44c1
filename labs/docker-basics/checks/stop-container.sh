# Passes when cache exists, has exited, and exited cleanly (code 0 after SIGTERM) rather than
# being killed (137) or paused.
docker container inspect cache >/dev/null 2>&1 ||
  fail "there is no container named cache any more: it should only be stopped" \
    "名为 cache 的容器已经不在了：这一步只需要停止它，不要删除"
state=$(docker container inspect cache --format '{{.State.Status}}')
[ "$state" = exited ] || fail "cache is not stopped" "cache 还没有停止" "exited" "$state"
code=$(docker container inspect cache --format '{{.State.ExitCode}}')
[ "$code" = 0 ] ||
  fail "cache was killed, not stopped gracefully: docker stop lets Redis save and exit" \
    "cache 是被强行杀掉的，而不是正常停止：docker stop 会让 Redis 先保存数据再退出" \
    "$(t "exit code 0" "退出码 0")" "$(t "exit code" "退出码") $code"
pass "cache stopped gracefully; its logs end with Redis saving the data" \
  "cache 已正常停止，日志最后是 Redis 保存数据的记录"
