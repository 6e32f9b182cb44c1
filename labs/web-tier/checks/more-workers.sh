# Passes when gunicorn runs at least 4 worker processes and that shows as concurrency: 4
# requests to /slow/?seconds=1.5, sent at once through nginx, must all succeed, be answered by
# 4 different gunicorn workers (X-Shop-Pid, each a real process whose parent is the gunicorn
# master; read from /proc on web), and have really run at the same time: each answer says
# when its process began and ended the request, and all 4 intervals must overlap. (The
# server-side times, not the clients' total, so a busy machine does not fail a right answer.)

shop_fetch http://127.0.0.1/
worker=$(shop_header x-shop-pid)
[ "$SHOP_STATUS" = 200 ] && [ "$(server_kind "$worker")" = gunicorn ] ||
  fail "nginx should still forward http://127.0.0.1/ to gunicorn (as in the previous step)" \
    "nginx 应该仍然把 http://127.0.0.1/ 转给 gunicorn（和上一步一样）" \
    "HTTP 200 from a gunicorn worker" "HTTP $SHOP_STATUS${worker:+ from $(proc_cmdline "$worker")}"
master=$(proc_ppid "$worker")
workers=$(children_of "$master" | grep -c .)

# Up to 3 rounds: a worker that is still booting (a busy machine) makes one round queue.
for round in 1 2 3; do
  shop_parallel 4 "http://127.0.0.1/slow/?seconds=1.5" 20
  [ "$SHOP_FAILED" = 0 ] ||
    fail "$SHOP_FAILED of 4 requests to /slow/ through nginx failed" "通过 nginx 发往 /slow/ 的 4 个请求中有 $SHOP_FAILED 个失败了" \
      "4 × HTTP 200" "$SHOP_STATUSES"
  for pid in $SHOP_PIDS; do
    [ "$(proc_ppid "$pid")" = "$master" ] ||
      fail "process $pid answered a request, but it is not a worker of the gunicorn master $master" \
        "进程 $pid 回答了请求，但它不是 gunicorn master（$master）的 worker" "a child of $master" "$(proc_cmdline "$pid")"
  done
  distinct=$(printf '%s\n' $SHOP_PIDS | sort -u | grep -c .)
  # How many of the 4 requests were running at the busiest moment (from the answers' intervals).
  together=$(printf '%s\n' "$SHOP_BODIES" | sed -n 's/.* from \([0-9.]*\) to \([0-9.]*\)$/\1 1\n\2 -1/p' |
    sort -k1,1n -k2,2n | awk '{ n += $2; if (n > max) max = n } END { print max + 0 }')
  [ "$distinct" -ge 4 ] && [ "$together" -ge 4 ] && break
  [ "$workers" -ge 4 ] || break # fewer than 4 workers: no round can do better
done
secs="$((SHOP_ELAPSED_MS / 1000)).$((SHOP_ELAPSED_MS % 1000 / 100)) s"
seen="at most $together at a time, by $distinct worker process(es) (gunicorn has $workers); $secs in all"
seen_zh="同一时刻最多 $together 个，由 $distinct 个 worker 进程处理（gunicorn 共有 $workers 个）；总共 $secs"
if [ "$distinct" -lt 4 ] || [ "$together" -lt 4 ]; then
  fail "4 requests of 1.5 s each, sent at once, queued for the workers: a sync worker runs one request at a time. Run gunicorn with 4 workers (--workers 4)" \
    "同时发出的 4 个 1.5 秒的请求在排队等 worker：一个 sync worker 一次只处理一个请求。用 4 个 worker 运行 gunicorn（--workers 4）" \
    "4 at a time, by 4 worker processes" "$(t "$seen" "$seen_zh")"
fi
pass "4 slow requests ran at once: $seen" "4 个慢请求同时执行：$seen_zh"
