# Passes when api is attached to both frontnet and backnet and reaches front-web (HTTP) and
# back-db (Redis) by name, while front-web and back-db still cannot reach each other (by name or
# at any of their addresses) and stay on their own networks only.
docker_snapshot api front-web back-db
for c in api front-web back-db; do
  s=$(snap_state "$c")
  [ "$s" = running ] ||
    fail "there is no running container named $c" "没有正在运行的 $c 容器" \
      running "${s:-$(t "no container" "没有这个容器")}"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
docker exec api bash -c "$TCP_PROBE" probe front-web:80 back-db:6379 >"$tmp/api" 2>&1 &
docker exec front-web bash -c "$TCP_PROBE" probe back-db:6379 $(printf '%s:6379 ' $(snap_ips back-db)) >"$tmp/front-web" 2>/dev/null &
docker exec back-db bash -c "$TCP_PROBE" probe front-web:80 $(printf '%s:80 ' $(snap_ips front-web)) >"$tmp/back-db" 2>/dev/null &
wait
if at=$(probe_reached "$tmp/front-web" back-db 6379); then
  fail "front-web reaches back-db at $at: only api should span both networks" \
    "front-web 能通过 $at 访问 back-db：只有 api 应该同时接入两个网络" \
    "$(t "back-db on backnet only" "back-db 只在 backnet 上")" "$(t "back-db on" "back-db 所在网络"): $(snap_nets back-db)"
fi
if at=$(probe_reached "$tmp/back-db" front-web 80); then
  fail "back-db reaches front-web at $at: only api should span both networks" \
    "back-db 能通过 $at 访问 front-web：只有 api 应该同时接入两个网络" \
    "$(t "front-web on frontnet only" "front-web 只在 frontnet 上")" "$(t "front-web on" "front-web 所在网络"): $(snap_nets front-web)"
fi
for n in frontnet backnet; do
  snap_on api "$n" ||
    fail "api is not attached to $n (docker network connect $n api)" "api 没有接入 $n（docker network connect $n api）" \
      "frontnet backnet" "$(snap_nets api)"
done
# A container just connected may need a moment: retry api's side (the part that must succeed).
for _ in 1 2; do
  probe_open "$tmp/api" front-web:80 && probe_open "$tmp/api" back-db:6379 && break
  sleep 1
  docker exec api bash -c "$TCP_PROBE" probe front-web:80 back-db:6379 >"$tmp/api" 2>&1
done
for target in front-web:80 back-db:6379; do
  probe_open "$tmp/api" "$target" ||
    fail "api cannot reach ${target%:*} by name (port ${target#*:})" "api 无法通过名字访问 ${target%:*}（${target#*:} 端口）" \
      "$target open" "$(grep "${target%:*}" "$tmp/api" || cat "$tmp/api")"
done
snap_only_on front-web frontnet
snap_only_on back-db backnet
pass "api reaches front-web and back-db by name; front-web and back-db still cannot reach each other" \
  "api 可以通过名字访问 front-web 和 back-db；front-web 和 back-db 之间仍然互不相通"
