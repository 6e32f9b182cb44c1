# Passes when a user-defined bridge network shopnet exists, db runs on it, and a fresh
# container on shopnet reaches db by name.
docker network inspect shopnet >/dev/null 2>&1 ||
  fail "there is no network named shopnet (docker network ls)" "还没有名为 shopnet 的网络（用 docker network ls 看看）"
driver=$(docker network inspect shopnet --format '{{.Driver}}')
[ "$driver" = bridge ] || fail "shopnet should be a bridge network" "shopnet 应该是 bridge 网络" "bridge" "$driver"
expect_running db
nets=$(docker container inspect db --format '{{range $name, $_ := .NetworkSettings.Networks}}{{$name}} {{end}}')
case " $nets" in
  *" shopnet "*) ;;
  *) fail "db is not attached to shopnet" "db 没有接入 shopnet" "shopnet" "$nets" ;;
esac
reply=$(docker run --rm --network shopnet redis:7 redis-cli -h db ping 2>&1)
[ "$reply" = PONG ] ||
  fail "a container on shopnet cannot reach db by name" "shopnet 上的容器无法通过名字访问 db" "PONG" "$reply"
pass "containers on shopnet reach db by its name" "shopnet 上的容器可以通过名字 db 访问它"
