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

# --- Docker: containers and their networks (where `docker` reaches the learner's engine) ---

# container_state NAME — running, exited, ...; nothing when there is no such container.
container_state() { docker container inspect "$1" --format '{{.State.Status}}' 2>/dev/null; }

# container_nets NAME — the networks NAME is attached to, space-separated.
container_nets() {
  docker container inspect "$1" --format '{{range $n, $_ := .NetworkSettings.Networks}}{{$n}} {{end}}' 2>/dev/null | xargs
}

# expect_running NAME [LOG] — fails unless a container NAME is running (with LOG, the failure
# also quotes the container's last log line).
expect_running() {
  local state last=""
  state=$(container_state "$1")
  [ "$state" != running ] || return 0
  [ -z "${2:-}" ] || last=$(docker logs --tail 2 "$1" 2>&1 | tail -1)
  fail "there is no running container named $1${last:+; its last words: $last}" \
    "没有正在运行的 $1 容器${last:+；它最后的输出：$last}" \
    running "${state:-$(t "no container" "没有这个容器")}"
}

# docker_snapshot NAME... — one inspect for all NAMEs (each docker call costs a few tenths of a
# second) into DOCKER_SNAPSHOT, a line "/NAME STATUS NETWORK=IP ..." per existing container;
# then snap_state NAME, snap_nets NAME, snap_ips NAME, snap_on NAME NETWORK read it.
docker_snapshot() {
  DOCKER_SNAPSHOT=$(docker container inspect "$@" --format \
    '{{.Name}} {{.State.Status}} {{range $n, $v := .NetworkSettings.Networks}}{{$n}}={{$v.IPAddress}} {{end}}' 2>/dev/null)
}
_snap_line() { printf '%s\n' "${DOCKER_SNAPSHOT:-}" | grep "^/$1 "; }
snap_state() { _snap_line "$1" | cut -d' ' -f2; }
snap_nets() { _snap_line "$1" | cut -d' ' -f3- | tr ' ' '\n' | cut -d= -f1 | xargs; }
snap_ips() { _snap_line "$1" | cut -d' ' -f3- | tr ' ' '\n' | cut -d= -f2 | xargs; }
snap_on() { case " $(snap_nets "$1") " in *" $2 "*) return 0 ;; esac; return 1; }

# TCP_PROBE — a program for `bash -c "$TCP_PROBE" probe HOST:PORT...` (run inside a container):
# tries a TCP connection to each (in parallel, 3 s each) and prints "HOST:PORT open|closed".
# shellcheck disable=SC2016
TCP_PROBE='for t in "$@"; do
  ( if timeout 3 bash -c "exec 3<>/dev/tcp/${t%:*}/${t##*:}" 2>/dev/null; then echo "$t open"; else echo "$t closed"; fi ) &
done; wait'

# probe_open FILE HOST:PORT — whether TCP_PROBE's output, saved in FILE, found HOST:PORT open.
probe_open() { grep -qx "$2 open" "$1"; }

# probe_reached FILE NAME PORT — prints the first of NAME:PORT and NAME's addresses:PORT (from
# the snapshot) that the probe in FILE found open; returns 1 when it reached none of them.
probe_reached() {
  local t
  for t in "$2:$3" $(printf "%s:$3 " $(snap_ips "$2")); do
    if probe_open "$1" "$t"; then
      printf '%s' "$t"
      return 0
    fi
  done
  return 1
}

# redis_client_from CONTAINER IP — waits up to 3 s for the Redis in CONTAINER to list a client
# connected from IP. Returns 1 when none came; REDIS_CLIENTS then names the clients it has.
redis_client_from() {
  local clients _
  for _ in 1 2 3 4 5 6; do
    clients=$(docker exec "$1" redis-cli CLIENT LIST 2>/dev/null)
    case "$clients" in *"addr=$2:"*) return 0 ;; esac
    sleep 0.5
  done
  REDIS_CLIENTS=$(printf '%s\n' "$clients" | grep -o 'addr=[0-9.]*' | grep -v 127.0.0.1 | xargs)
  return 1
}

# snap_only_on NAME NETWORK — fails unless NAME (in the snapshot) is on NETWORK and no other.
snap_only_on() {
  [ "$(snap_nets "$1")" = "$2" ] ||
    fail "$1 should be on $2 only" "$1 应该只在 $2 上" "$2" "$(snap_nets "$1")"
}

# expect_counter CONTAINER KEY CLIENT — fails unless the Redis in CONTAINER holds KEY >= 1
# (the counter CLIENT increments once it is connected); sets COUNTER to its value. (Call it
# directly: a fail inside $(...) would only end that subshell.)
expect_counter() {
  COUNTER=$(docker exec "$1" redis-cli GET "$2")
  [ "${COUNTER:-0}" -ge 1 ] 2>/dev/null ||
    fail "$3 is connected, but $1 has no $2 counter yet" "$3 已经连上了，但 $1 里还没有 $2 计数" \
      "$2 >= 1" "${COUNTER:-(nil)}"
}

# --- MariaDB Galera ---------------------------------------------------------------------------

# mariadb_q HOST SQL — runs SQL on HOST as the grader's user; prints the rows (tab-separated).
mariadb_q() { mariadb -h "$1" -u grader -pgrader --connect-timeout=3 -N -B -e "$2" 2>&1; }

# wsrep_status HOST — reads HOST's SHOW GLOBAL STATUS LIKE 'wsrep_%' into WSREP; returns 1
# when MariaDB does not answer there. wsrep_field KEY then prints one value.
wsrep_status() { WSREP=$(mariadb_q "$1" "SHOW GLOBAL STATUS LIKE 'wsrep_%'"); }
wsrep_field() { printf '%s\n' "${WSREP:-}" | awk -F'\t' -v k="$1" '$1 == k {print $2}'; }

# expect_wsrep KEY VALUE EN ZH — fails with EN/ZH and "KEY VALUE" / "KEY <actual>" unless the
# last wsrep_status had KEY = VALUE.
expect_wsrep() {
  local got
  got=$(wsrep_field "$1")
  [ "$got" = "$2" ] || fail "$3" "$4" "$1 $2" "$1 $got"
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

# lb_expect_roundrobin BALANCER URL NONE_EN NONE_ZH NEVER_EN NEVER_ZH — sends 30 requests to
# URL and passes only if none fails, api-1, api-2 and api-3 each answer 7 to 13 of them (about a
# third), and each shop's own counter confirms it. NONE_* is the hint when the shop answers
# none; NEVER_* when one instance never answers. Sets LB_SEEN to the tally.
lb_expect_roundrobin() {
  local name=$1 url=$2 n=30 i got seen each
  shop_snapshot api-1 api-2 api-3
  lb_send "$url" $n
  seen=$(lb_seen api-1 api-2 api-3)
  each=$(t "about 10 each" "每个约 10 个")
  [ "$LB_ERRORS" -lt $n ] ||
    fail "none of $n requests through $name was answered by the shop: $3" \
      "经过 $name 的 $n 个请求没有一个是商城回答的：$4" \
      "$(t "answers from api-1, api-2 and api-3" "来自 api-1、api-2、api-3 的回答")" "$(lb_summary)"
  [ "$LB_ERRORS" = 0 ] ||
    fail "$LB_ERRORS of $n requests through $name failed" "经过 $name 的 $n 个请求里有 $LB_ERRORS 个失败" "failed=0" "$seen"
  for i in 1 2 3; do
    [ "$(lb_count "api-$i")" -gt 0 ] ||
      fail "api-$i never answered: $5" "api-$i 一次都没有回答：$6" "$each" "$seen"
  done
  for i in 1 2 3; do
    got=$(lb_count "api-$i")
    if [ "$got" -lt 7 ] || [ "$got" -gt 13 ]; then
      fail "the requests are not spread evenly (round robin gives each instance about a third)" \
        "请求分配得不均匀（轮询会让每个实例各得约三分之一）" "$each" "$seen"
    fi
  done
  shop_confirm_served api-1 api-2 api-3
  LB_SEEN=$seen
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

# --- Processes and sockets, read from the kernel of the host the check runs on ---------------
# (/proc and `ss`: what really runs and listens, not what a configuration file says.)

# listener_pids PORT — the processes holding a listening TCP socket on PORT (any address), one
# per line (a pre-fork server's master and its workers share one socket).
listener_pids() { ss -Hltnp "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | cut -d= -f2 | sort -un; }

# listen_addresses PID — the addresses PID listens on (e.g. 127.0.0.1:8000), one per line.
listen_addresses() { ss -Hltnp 2>/dev/null | awk -v p="pid=$1," 'index($0, p) { print $4 }' | sort -u; }

# proc_cmdline PID — PID's command line, arguments separated by spaces ("?" when gone).
proc_cmdline() {
  local c
  c=$(tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null) && [ -n "$c" ] || c="?"
  printf '%s' "${c% }"
}

# proc_comm PID — PID's command name (e.g. nginx); proc_ppid PID — its parent's pid.
proc_comm() { cat "/proc/$1/comm" 2>/dev/null; }
proc_ppid() { awk '/^PPid:/ { print $2 }' "/proc/$1/status" 2>/dev/null; }

# children_of PID — the processes whose parent is PID, one per line.
children_of() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' '; }

# server_kind PID — which Python web server PID is, from its command line: gunicorn, uwsgi,
# runserver (Django's development server) or other.
server_kind() {
  SERVER_KIND=other
  [[ ${1:-} =~ ^[0-9]+$ ]] && _server_kind_of "$(proc_cmdline "$1")"
  echo "$SERVER_KIND"
}
_server_kind_of() {
  case " $1 " in
    *" manage.py runserver"* | *"/manage.py runserver"* | *" django-admin runserver"*) SERVER_KIND=runserver ;;
    *"/gunicorn "* | " gunicorn "* | *" -m gunicorn "*) SERVER_KIND=gunicorn ;;
    " uwsgi"* | " /usr/bin/uwsgi"*) SERVER_KIND=uwsgi ;;
    *) SERVER_KIND=other ;;
  esac
}

# pids_of_kind KIND — every process that server_kind names KIND, one per line.
pids_of_kind() {
  local pid args
  while read -r pid args; do
    _server_kind_of "$args"
    [ "$SERVER_KIND" = "$1" ] && echo "$pid"
  done < <(ps -eo pid=,args=)
  return 0
}

# --- The web tier's Django shop: who made a response ----------------------------------------
# Every response the shop's application makes carries X-Shop-Pid (the process that ran it) and
# X-Shop-Database (the ORM's database); a file nginx serves from disk carries neither.

# shop_fetch URL [SECONDS] — one GET; sets SHOP_STATUS (000 when nothing answered), SHOP_BODY
# and SHOP_HEADERS (lowercase names, "name: value" per line). Then: shop_header NAME.
shop_fetch() {
  local h b
  h=$(mktemp) b=$(mktemp)
  SHOP_STATUS=$(curl -s -m "${2:-5}" -D "$h" -o "$b" -w '%{http_code}' "$1")
  SHOP_BODY=$(cat "$b")
  SHOP_HEADERS=$(tr -d '\r' <"$h" | awk -F': ' 'NF > 1 { printf "%s: %s\n", tolower($1), substr($0, length($1) + 3) }')
  rm -f "$h" "$b"
}
shop_header() { printf '%s\n' "${SHOP_HEADERS:-}" | sed -n "s/^$1: //p" | tail -1; }

# shop_parallel N URL [SECONDS] — N GETs of URL at once; sets SHOP_ELAPSED_MS (until the last
# answer), SHOP_FAILED (how many were not HTTP 200), SHOP_STATUSES (all statuses), SHOP_PIDS
# (the X-Shop-Pid of each answer, space-separated) and SHOP_BODIES (each answer's first line).
shop_parallel() {
  local work i t0
  work=$(mktemp -d)
  t0=$(date +%s%N)
  for ((i = 1; i <= $1; i++)); do
    curl -s -m "${3:-10}" -D "$work/$i.h" -o "$work/$i.b" -w '%{http_code}' "$2" >"$work/$i.code" &
  done
  wait
  SHOP_ELAPSED_MS=$((($(date +%s%N) - t0) / 1000000))
  SHOP_STATUSES=$(for ((i = 1; i <= $1; i++)); do cat "$work/$i.code"; echo; done | xargs)
  SHOP_FAILED=$(printf '%s\n' $SHOP_STATUSES | grep -cvx 200)
  SHOP_PIDS=$(cat "$work"/*.h 2>/dev/null | tr -d '\r' | sed -n 's/^[Xx]-[Ss]hop-[Pp]id: *//p' | xargs)
  SHOP_BODIES=$(for ((i = 1; i <= $1; i++)); do head -n 1 "$work/$i.b" 2>/dev/null; echo; done | sed '/^$/d')
  rm -rf "$work"
}

# --- The frontend-backend lab: single-page applications and the APIs they call -------------
# A front end built by Vite is an index.html naming one hashed bundle (/assets/index-XXXX.js);
# the lab's shops write window.SHOP_BUILD={api:"...",app:"...",version:"..."} into it when
# they are built, so what a browser would run can be read from the bundle actually served.

# spa_request URL [CURL_ARGS...] — one request (time limit 5 s); sets SPA_STATUS (000 when
# nothing answered), SPA_BODY and SPA_HEADERS (lowercase names, "name: value" per line).
# Then: spa_header NAME.
spa_request() {
  local url=$1 h b
  shift
  h=$(mktemp) b=$(mktemp)
  SPA_STATUS=$(curl -s -m 5 -D "$h" -o "$b" -w '%{http_code}' "$@" "$url")
  SPA_BODY=$(cat "$b")
  SPA_HEADERS=$(tr -d '\r' <"$h" | awk -F': ' 'NF > 1 { printf "%s: %s\n", tolower($1), substr($0, length($1) + 3) }')
  rm -f "$h" "$b"
}
spa_header() { printf '%s\n' "${SPA_HEADERS:-}" | sed -n "s/^$1: //p" | tail -1; }

# spa_bundle PAGE_URL — opens the page like a browser would: its index.html, then the first
# module script it names, from the same origin. Sets SPA_PAGE_STATUS, SPA_INDEX (the HTML),
# SPA_INDEX_CACHE (its Cache-Control), SPA_SCRIPT (the script's path; empty when the page names
# none), SPA_JS_STATUS, and from the bundle's SHOP_BUILD: SPA_APP, SPA_API, SPA_VERSION (empty
# when the script is not such a build).
spa_bundle() {
  local origin
  origin=$(printf '%s' "$1" | grep -oE '^https?://[^/]+')
  SPA_SCRIPT="" SPA_JS_STATUS="" SPA_APP="" SPA_API="" SPA_VERSION=""
  spa_request "$1"
  SPA_PAGE_STATUS=$SPA_STATUS SPA_INDEX=$SPA_BODY SPA_INDEX_CACHE=$(spa_header cache-control)
  SPA_SCRIPT=$(printf '%s' "$SPA_INDEX" | grep -oE '<script[^>]*type="module"[^>]*>' | head -1 |
    grep -oE 'src="[^"]*"' | sed 's/^src="//; s/"$//')
  [ -n "$SPA_SCRIPT" ] || return 0
  case "$SPA_SCRIPT" in /*) ;; *) SPA_SCRIPT="/$SPA_SCRIPT" ;; esac
  spa_request "$origin$SPA_SCRIPT"
  SPA_JS_STATUS=$SPA_STATUS
  local build
  build=$(printf '%s' "$SPA_BODY" | grep -oE 'SHOP_BUILD=\{api:"[^"]*",app:"[^"]*",version:"[^"]*"\}' | head -1)
  SPA_API=$(printf '%s' "$build" | sed -nE 's/.*api:"([^"]*)".*/\1/p')
  SPA_APP=$(printf '%s' "$build" | sed -nE 's/.*app:"([^"]*)".*/\1/p')
  SPA_VERSION=$(printf '%s' "$build" | sed -nE 's/.*version:"([^"]*)".*/\1/p')
}

# --- end of labs/lib/check.sh; the step's own check follows ----------------------------------
