# Passes when about half of 200 real requests through web's outbound sidecar are answered by
# v2: expected 100, standard deviation sqrt(200 * 0.5 * 0.5) = 7.1, so 79-121 passes (3 sd);
# 90/10 (20) or 70/30 (60) never do.
split_counts
within "$v2" 79 121 50
pass "of 200 answers through web's sidecar, $v1 came from v1 and $v2 from v2 (50 % gives 79-121)" \
  "经 web 的 sidecar 的 200 个回答中，$v1 个来自 v1，$v2 个来自 v2（50 % 应为 79-121）"
