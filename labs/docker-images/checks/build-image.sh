# Passes when shop:1.0 is an image built FROM python:3.11-slim (the base's layers are the first
# layers of shop:1.0, and it adds its own), declares EXPOSE 8000, and a container started from
# it with no arguments runs the shop: it answers GET /health on port 8000.
layers() { docker image inspect "$1" --format '{{range .RootFS.Layers}}{{println .}}{{end}}' 2>/dev/null; }

docker image inspect shop:1.0 >/dev/null 2>&1 ||
  fail "there is no image shop:1.0 yet (docker images): build it with docker build -t shop:1.0 /home/learner/shop" \
    "还没有 shop:1.0 镜像（用 docker images 看看）：用 docker build -t shop:1.0 /home/learner/shop 构建它" \
    "shop:1.0" "$(docker images --format '{{.Repository}}:{{.Tag}}' | grep -i shop | xargs | sed "s/^$/$(t "no shop image" "没有 shop 镜像")/")"
docker image inspect python:3.11-slim >/dev/null 2>&1 ||
  fail "python:3.11-slim is not on your engine: FROM python:3.11-slim pulls it during the build" \
    "引擎上没有 python:3.11-slim：Dockerfile 里写 FROM python:3.11-slim，构建时会自动拉取"
base=$(layers python:3.11-slim); mine=$(layers shop:1.0)
nbase=$(printf '%s\n' "$base" | grep -c .); nmine=$(printf '%s\n' "$mine" | grep -c .)
[ "$(printf '%s\n' "$mine" | head -n "$nbase")" = "$base" ] ||
  fail "shop:1.0 is not built on python:3.11-slim: its first layers differ from the base image's" \
    "shop:1.0 不是基于 python:3.11-slim 构建的：它最底下的几层和基础镜像的不一样" \
    "FROM python:3.11-slim" "$(t "another base" "别的基础镜像")"
[ "$nmine" -gt "$nbase" ] ||
  fail "shop:1.0 has no layer of its own: it is python:3.11-slim under another name; COPY the shop into it" \
    "shop:1.0 没有自己的层：它只是换了名字的 python:3.11-slim；用 COPY 把商城代码放进去" \
    "$(t "more than $nbase layers" "多于 $nbase 层")" "$(t "$nmine layers" "$nmine 层")"
ports=$(docker image inspect shop:1.0 --format '{{range $p, $_ := .Config.ExposedPorts}}{{$p}} {{end}}')
case " $ports" in
  *" 8000/tcp "*) ;;
  *) fail "shop:1.0 does not declare the shop's port: add EXPOSE 8000" \
       "shop:1.0 没有声明商城的端口：加上 EXPOSE 8000" \
       "8000/tcp" "${ports:-$(t "no exposed port" "没有声明端口")}" ;;
esac

# Run it as anyone would, with no command: its CMD must start the shop.
probe=archlab-check-build-$$
trap 'docker rm -f "$probe" >/dev/null 2>&1' EXIT
docker run -d --name "$probe" shop:1.0 >/dev/null 2>&1 || {
  why=$(docker run --rm shop:1.0 2>&1 | tail -1)
  fail "docker run shop:1.0 fails: $why" "docker run shop:1.0 失败：$why"
}
health=""
for _ in $(seq 1 30); do
  state=$(docker container inspect "$probe" --format '{{.State.Status}}')
  [ "$state" = running ] || break
  health=$(docker exec "$probe" python3 -c 'import urllib.request as u; print(u.urlopen("http://127.0.0.1:8000/health", timeout=2).read().decode())' 2>/dev/null) && break
  sleep 0.3
done
cmd=$(docker image inspect shop:1.0 --format '{{json .Config.Entrypoint}} {{json .Config.Cmd}}')
[ "$state" = running ] ||
  fail "a container of shop:1.0 stops at once ($state): its CMD must start the shop, e.g. CMD [\"python3\", \"shop.py\"]" \
    "用 shop:1.0 启动的容器马上就停了（$state）：它的 CMD 要能启动商城，例如 CMD [\"python3\", \"shop.py\"]" \
    "$(t "the shop keeps running" "商城持续运行")" "ENTRYPOINT/CMD $cmd; $(docker logs "$probe" 2>&1 | tail -1)"
printf '%s' "$health" | grep -q '"status": "ok"' ||
  fail "a container of shop:1.0 runs but nothing answers http://127.0.0.1:8000/health inside it" \
    "shop:1.0 的容器在运行，但容器里没有程序响应 http://127.0.0.1:8000/health" \
    "$(t "the shop's /health" "商城的 /health")" "ENTRYPOINT/CMD $cmd"
pass "shop:1.0 stands on python:3.11-slim's $nbase layers, adds $((nmine - nbase)), exposes 8000, and its CMD starts the shop" \
  "shop:1.0 建在 python:3.11-slim 的 $nbase 层之上，自己加了 $((nmine - nbase)) 层，声明了 8000 端口，CMD 会启动商城"
