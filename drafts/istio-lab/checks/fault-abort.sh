# Passes when a fault rule aborts about half of the requests to /products with 503, and /health
# (another route) is left alone.
out=$(hits 100 /products)
aborted=$(grep -c '^503' <<<"$out")
{ [ "$aborted" -ge 35 ] && [ "$aborted" -le 65 ]; } ||
  fail "$aborted of 100 requests to /products were aborted with 503, not about 50" \
    "100 个 /products 请求中有 $aborted 个以 503 中止，而不是约 50 个" "about 50" "$aborted"
ok=$(hits 20 /health | grep -c '^200')
[ "$ok" -ge 19 ] ||
  fail "the fault also hits /health ($ok of 20 answered): put it on the /products route only" \
    "故障也影响了 /health（20 个中 $ok 个应答）：只把它加在 /products 路由上" "20" "$ok"
pass "about half of /products is aborted ($aborted of 100), /health untouched" "约一半 /products 请求被中止（100 个中 $aborted 个），/health 不受影响"
