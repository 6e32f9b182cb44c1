# Passes when a container named shop runs shop:1.0 with its port 8000 published on the
# workstation's port 8000, and http://workstation:8000/health is answered by that very
# container (the shop reports its host name, which is the container's).
docker container inspect shop >/dev/null 2>&1 ||
  fail "there is no container named shop (docker ps -a): docker run -d --name shop -p 8000:8000 shop:1.0" \
    "还没有名为 shop 的容器（用 docker ps -a 看看）：docker run -d --name shop -p 8000:8000 shop:1.0"
image=$(docker container inspect shop --format '{{.Config.Image}}')
[ "$image" = shop:1.0 ] || fail "the container shop runs another image" "容器 shop 用的是别的镜像" "shop:1.0" "$image"
state=$(docker container inspect shop --format '{{.State.Status}}')
[ "$state" = running ] || fail "the container shop is not running" "容器 shop 没有在运行" "running" "$state"
published=$(docker container inspect shop --format '{{range $p, $b := .NetworkSettings.Ports}}{{range $b}}{{.HostPort}}->{{$p}} {{end}}{{end}}')
case " $published" in
  *" 8000->8000/tcp "*) ;;
  *) fail "the shop's port 8000 is not published on the workstation's port 8000 (-p 8000:8000)" \
       "商城的 8000 端口没有发布到 workstation 的 8000 端口（-p 8000:8000）" \
       "8000->8000/tcp" "${published:-$(t "nothing published" "没有发布任何端口")}" ;;
esac
reply=$(curl -s -m 3 http://workstation:8000/health) ||
  fail "nothing answers on the workstation's port 8000 from outside" "从外面访问 workstation 的 8000 端口没有任何响应"
answered=$(printf '%s' "$reply" | jq -r '.instance // empty' 2>/dev/null)
hostname=$(docker container inspect shop --format '{{.Config.Hostname}}')
[ "$answered" = "$hostname" ] ||
  fail "port 8000 of the workstation is answered by something other than the container shop" \
    "响应 workstation 8000 端口的不是容器 shop" \
    "instance $hostname ($(t "the container" "该容器"))" "${answered:-$(t "no shop" "不是商城")}"
pass "the container shop ($hostname) answers /health on the workstation's port 8000" \
  "容器 shop（$hostname）在 workstation 的 8000 端口上响应 /health"
