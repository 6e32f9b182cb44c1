# Passes when about 10 % of 200 real requests through web's outbound sidecar are answered by
# v2: expected 20, standard deviation sqrt(200 * 0.1 * 0.9) = 4.2, so 8-32 passes (3 sd); a
# correct split fails it about 3 times in 1000, reversed (180), all to v1 (0) or 50/50 (100)
# never.
split_counts
within "$v2" 8 32 10
pass "of 200 answers through web's sidecar, $v1 came from v1 and $v2 from v2 (10 % gives 8-32)" \
  "经 web 的 sidecar 的 200 个回答中，$v1 个来自 v1，$v2 个来自 v2（10 % 应为 8-32）"
