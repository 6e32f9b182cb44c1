# labs/lib/check.sh — the contract between a check script and the grader.
#
# The grader prepends this file to every check it runs (`archlab check`, the lab API, workshops
# and `archlab verify` alike), after a line that sets ARCHLAB_LANG to the learner's language:
# `zh` or `en` (verify: en). A check is then fed to `bash -s` and must exit 0 when the step is
# done. What it prints on stdout is the learner's message; lines `expected: ...` and
# `actual: ...` are taken apart and shown side by side.
#
# Messages come in both languages, English first: `fail "English" "中文"`. With one argument
# (or an empty Chinese one) the English text is shown on every page.
#
# The library sets no shell options and defines only the functions below (and the HTTP_* /
# LB_* variables its helpers fill), so a check may `set -u` or `set -e` as it likes.

ARCHLAB_LANG=${ARCHLAB_LANG:-en}
case "$ARCHLAB_LANG" in zh | en) ;; *) ARCHLAB_LANG=en ;; esac

# t EN [ZH] — the text in the learner's language, without a newline (for values inside messages).
t() {
  if [ "$ARCHLAB_LANG" = zh ] && [ -n "${2:-}" ]; then
    printf '%s' "$2"
  else
    printf '%s' "${1:-}"
  fi
}

# msg EN [ZH] — one line of context in the learner's language.
msg() { printf '%s\n' "$(t "${1:-}" "${2:-}")"; }

# fail EN [ZH [EXPECTED ACTUAL]] — the message in the learner's language (and, with four
# arguments, `expected:` / `actual:` lines); exits 1.
fail() {
  msg "${1:-the check failed}" "${2:-}"
  if [ $# -ge 3 ]; then printf 'expected: %s\nactual: %s\n' "$3" "${4:-}"; fi
  exit 1
}

# pass [EN [ZH]] — the success message (optional); exits 0.
pass() {
  if [ $# -gt 0 ]; then msg "$@"; fi
  exit 0
}

# expect_eq WHAT_EN WHAT_ZH EXPECTED ACTUAL — fails unless EXPECTED equals ACTUAL, naming what
# was compared: "<what> is not as expected" / "<what>与预期不符", then expected:/actual: lines.
expect_eq() {
  if [ "${3:-}" != "${4:-}" ]; then
    fail "${1:-the value} is not as expected" "${2:+${2}与预期不符}" "${3:-}" "${4:-}"
  fi
}

# http_get URL [SECONDS] — one HTTP GET (default time limit 5 s): prints the status code on the
# first line, then the body. The status is 000 when nothing answered; the exit code is then
# curl's (non-zero). Use http_fetch to keep both in variables instead.
http_get() {
  local reply rc
  reply=$(curl -s -m "${2:-5}" -w '\n%{http_code}' "$1")
  rc=$?
  printf '%s\n%s\n' "${reply##*$'\n'}" "${reply%$'\n'*}"
  return "$rc"
}

# http_fetch URL [SECONDS] — the same GET; sets HTTP_STATUS and HTTP_BODY in the calling shell
# and prints nothing. Returns 0 when some HTTP answer came (whatever its status).
http_fetch() {
  local reply rc
  reply=$(curl -s -m "${2:-5}" -w '\n%{http_code}' "$1")
  rc=$?
  HTTP_STATUS=${reply##*$'\n'}
  HTTP_BODY=${reply%$'\n'*}
  [ "$HTTP_BODY" != "$reply" ] || HTTP_BODY=""
  return "$rc"
}

# --- Load balancing: which instance answered -------------------------------------------------
# The shop's answers are JSON naming the instance that served them ("instance": "api-2").

# answer_of URL [SECONDS] — one request; prints the instance that answered, or ERROR:<status>.
answer_of() {
  local reply code
  reply=$(curl -s -m "${2:-5}" -w '\n%{http_code}' "$1")
  code=${reply##*$'\n'}
  if [ "$code" = 200 ] && [[ $reply =~ \"instance\":\ *\"([^\"]+)\" ]]; then
    echo "${BASH_REMATCH[1]}"
  else
    echo "ERROR:$code"
  fi
}

# lb_send URL N [GAP [SECONDS]] — sends N requests to URL and tallies who answered. Without GAP
# one after the other; with GAP (seconds, e.g. 0.15) a new request every GAP seconds without
# waiting for the previous ones (concurrent requests). Sets LB_ANSWERS (one answer per line),
# LB_N (N) and LB_ERRORS (how many failed). Then: lb_count NAME, lb_seen NAME...
lb_send() {
  local url=$1 n=$2 gap=${3:-} limit=${4:-5} i work
  if [ -z "$gap" ]; then
    LB_ANSWERS=$(for ((i = 1; i <= n; i++)); do answer_of "$url" "$limit"; done)
  else
    work=$(mktemp -d)
    for ((i = 1; i <= n; i++)); do
      answer_of "$url" "$limit" >"$work/$i.out" &
      sleep "$gap"
    done
    wait
    LB_ANSWERS=$(cat "$work"/*.out)
    rm -rf "$work"
  fi
  LB_N=$n
  LB_ERRORS=$(printf '%s\n' "$LB_ANSWERS" | grep -c '^ERROR')
}

# lb_count NAME — how many of the last lb_send's answers came from NAME.
lb_count() { printf '%s\n' "${LB_ANSWERS:-}" | grep -cx -- "$1"; }

# lb_seen NAME... — the tally as one line: "api-1=10 api-2=10 api-3=10 failed=0".
lb_seen() {
  local name out=""
  for name in "$@"; do out+="$name=$(lb_count "$name") "; done
  printf '%sfailed=%s' "$out" "${LB_ERRORS:-0}"
}

# lb_summary — the distinct answers with their counts, on one line ("30 ERROR:200").
lb_summary() { printf '%s\n' "${LB_ANSWERS:-}" | sort | uniq -c | head -3 | xargs; }

# shop_served HOST — the request counter of the shop on HOST:8000 (0 when it does not answer).
shop_served() {
  curl -s -m 2 "http://$1:8000/admin/state" | jq -r '.served // 0' 2>/dev/null || echo 0
}

# shop_snapshot HOST... — remembers each shop's counter; shop_confirm_served HOST... then fails
# unless each HOST's counter grew by at least as many requests as answers named it (proving
# that the shop itself, not something pretending to be it, answered).
declare -A SHOP_BEFORE=()
shop_snapshot() {
  local h
  for h in "$@"; do SHOP_BEFORE[$h]=$(shop_served "$h"); done
}
shop_confirm_served() {
  local h n grew
  for h in "$@"; do
    n=$(lb_count "$h")
    grew=$(($(shop_served "$h") - ${SHOP_BEFORE[$h]:-0}))
    [ "$grew" -ge "$n" ] ||
      fail "answers name $h, but $h itself served only $grew requests: is something other than the shop answering?" \
        "有 $n 个回答自称来自 $h，可 $h 自己只处理了 $grew 个请求：是不是有别的东西冒充商城在回答？"
  done
}

# --- HAProxy's own view (its statistics page as CSV) -------------------------------------------

# haproxy_stats_ok STATS_URL — fails with a clear message unless HAProxy's statistics page
# (e.g. 'http://haproxy:8404/stats;csv') answers.
haproxy_stats_ok() {
  curl -s -m 3 -o /dev/null "$1" ||
    fail "cannot read HAProxy's statistics at ${1%;csv}: keep the \`listen stats\` section of haproxy.cfg" \
      "读不到 HAProxy 的统计页 ${1%;csv}：请保留 haproxy.cfg 里的 \`listen stats\` 段"
}

# haproxy_servers STATS_URL HOST... — reads HAProxy's statistics into HAPROXY_ROWS: one line
# "HOST|status|check_status|check_code" per server of the backend in use (the one with the most
# sessions) that is one of HOST..., recognised by its name or by its address. Returns non-zero
# (HAPROXY_ROWS empty) when the page does not answer, e.g. for a moment during a reload.
haproxy_servers() {
  local url=$1 h ips="" names csv
  shift
  names=" $* "
  for h in "$@"; do ips+="$(getent hosts "$h" | awk '{print $1; exit}')=$h "; done
  HAPROXY_ROWS=""
  csv=$(curl -s -m 3 "$url") || return 1
  HAPROXY_ROWS=$(printf '%s\n' "$csv" | awk -F, -v ips="$ips" -v names="$names" '
    BEGIN { n = split(ips, pairs, " "); for (k = 1; k <= n; k++) { split(pairs[k], kv, "="); host[kv[1]] = kv[2] } }
    NR == 1 { sub(/^# /, ""); for (i = 1; i <= NF; i++) col[$i] = i; next }
    $2 == "BACKEND" { stot[$1] = $col["stot"]; next }
    $2 == "FRONTEND" { next }
    { name = ""; if (index(names, " " $2 " ")) name = $2
      else { addr = $col["addr"]; sub(/:[0-9]+$/, "", addr); if (addr in host) name = host[addr] }
      if (name != "") rows[$1] = rows[$1] name "|" $col["status"] "|" $col["check_status"] "|" $col["check_code"] "\n" }
    END { best = ""; for (p in rows) if (best == "" || stot[p] + 0 > stot[best] + 0) best = p; printf "%s", rows[best] }')
}

# haproxy_field HOST N — field N of HOST's row in HAPROXY_ROWS (2 status, 3 check, 4 code).
haproxy_field() {
  printf '%s\n' "${HAPROXY_ROWS:-}" | awk -F'|' -v s="$1" -v f="$2" '$1 == s { print $f; exit }'
}

# --- end of labs/lib/check.sh; the step's own check follows ----------------------------------
