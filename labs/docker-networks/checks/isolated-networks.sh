# Passes when frontnet and backnet exist, front-web (on frontnet) and back-db (on backnet) run,
# each is reachable from a fresh container on its own network, and nothing crosses between the
# two networks: neither a fresh container on frontnet nor front-web itself reaches back-db, by
# name or at any of its addresses, and a fresh container on backnet does not reach front-web.
docker_snapshot front-web back-db
on_nets() { printf '%s: %s' "$(t "$1 on" "$1 所在网络")" "$(snap_nets "$1")"; }

for n in frontnet backnet; do
  docker network inspect "$n" >/dev/null 2>&1 ||
    fail "there is no network named $n (docker network ls)" "还没有名为 $n 的网络（用 docker network ls 看看）"
done
for c in front-web:frontnet back-db:backnet; do
  name=${c%:*}; net=${c#*:}; s=$(snap_state "$name")
  [ "$s" = running ] ||
    fail "there is no running container named $name" "没有正在运行的 $name 容器" \
      running "${s:-$(t "no container" "没有这个容器")}"
  snap_on "$name" "$net" || fail "$name is not attached to $net" "$name 没有接入 $net" "$net" "$(snap_nets "$name")"
done

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
db_targets=$(printf '%s:6379 ' $(snap_ips back-db))
docker run --rm --label archlab.probe=true --network frontnet redis:7 bash -c "$TCP_PROBE" probe \
  front-web:80 back-db:6379 $db_targets >"$tmp/frontnet" 2>/dev/null &
docker run --rm --label archlab.probe=true --network backnet redis:7 bash -c "$TCP_PROBE" probe \
  back-db:6379 front-web:80 $(printf '%s:80 ' $(snap_ips front-web)) >"$tmp/backnet" 2>/dev/null &
docker exec front-web bash -c "$TCP_PROBE" probe back-db:6379 $db_targets >"$tmp/front-web" 2>/dev/null &
wait

if at=$(probe_reached "$tmp/frontnet" back-db 6379); then
  fail "a container on frontnet reaches back-db at $at: frontnet and backnet must not reach each other" \
    "frontnet 上的容器能通过 $at 访问 back-db：frontnet 和 backnet 之间不应该相通" \
    "$(t "back-db on backnet only" "back-db 只在 backnet 上")" "$(on_nets back-db)"
fi
if at=$(probe_reached "$tmp/front-web" back-db 6379); then
  fail "front-web reaches back-db at $at: the two networks must not reach each other" \
    "front-web 能通过 $at 访问 back-db：两个网络之间不应该相通" \
    "$(t "front-web on frontnet, back-db on backnet" "front-web 在 frontnet 上，back-db 在 backnet 上")" \
    "$(on_nets front-web); $(on_nets back-db)"
fi
if at=$(probe_reached "$tmp/backnet" front-web 80); then
  fail "a container on backnet reaches front-web at $at: the two networks must not reach each other" \
    "backnet 上的容器能通过 $at 访问 front-web：两个网络之间不应该相通" \
    "$(t "front-web on frontnet only" "front-web 只在 frontnet 上")" "$(on_nets front-web)"
fi
for c in frontnet:front-web:80 backnet:back-db:6379; do
  net=${c%%:*}; target=${c#*:}; name=${target%:*}
  probe_open "$tmp/$net" "$target" ||
    fail "a fresh container on $net cannot reach $name by name (port ${target#*:})" \
      "$net 上新启动的容器无法通过名字访问 $name（${target#*:} 端口）" \
      "$(t "$name on $net" "$name 在 $net 上")" "$(on_nets "$name")"
done
snap_only_on front-web frontnet
snap_only_on back-db backnet
pass "frontnet reaches front-web, backnet reaches back-db, and neither network reaches the other" \
  "frontnet 能访问 front-web，backnet 能访问 back-db，两个网络之间互不相通"
