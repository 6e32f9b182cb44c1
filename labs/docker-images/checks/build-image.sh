# Passes when shop:1.0 is an image built FROM python:3.11-slim (the base's layers are the first
# layers of shop:1.0, and it adds its own), declares EXPOSE 8000, and a container started from
# it with no arguments runs the shop: it answers GET /health on port 8000.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }
layers() { docker image inspect "$1" --format '{{range .RootFS.Layers}}{{println .}}{{end}}' 2>/dev/null; }

docker image inspect shop:1.0 >/dev/null 2>&1 ||
  fail "there is no image shop:1.0 yet (docker images): build it with docker build -t shop:1.0 /root/shop" \
    "shop:1.0" "$(docker images --format '{{.Repository}}:{{.Tag}}' | grep -i shop | xargs | sed 's/^$/no shop image/')"
docker image inspect python:3.11-slim >/dev/null 2>&1 ||
  fail "python:3.11-slim is not on your engine: FROM python:3.11-slim pulls it during the build"
base=$(layers python:3.11-slim); mine=$(layers shop:1.0)
nbase=$(printf '%s\n' "$base" | grep -c .); nmine=$(printf '%s\n' "$mine" | grep -c .)
[ "$(printf '%s\n' "$mine" | head -n "$nbase")" = "$base" ] ||
  fail "shop:1.0 is not built on python:3.11-slim: its first layers differ from the base image's" \
    "FROM python:3.11-slim" "another base"
[ "$nmine" -gt "$nbase" ] ||
  fail "shop:1.0 has no layer of its own: it is python:3.11-slim under another name; COPY the shop into it" \
    "more than $nbase layers" "$nmine layers"
ports=$(docker image inspect shop:1.0 --format '{{range $p, $_ := .Config.ExposedPorts}}{{$p}} {{end}}')
case " $ports" in *" 8000/tcp "*) ;; *) fail "shop:1.0 does not declare the shop's port: add EXPOSE 8000" "8000/tcp" "${ports:-no exposed port}" ;; esac

# Run it as anyone would, with no command: its CMD must start the shop.
probe=archlab-check-build-$$
trap 'docker rm -f "$probe" >/dev/null 2>&1' EXIT
docker run -d --name "$probe" shop:1.0 >/dev/null 2>&1 || fail "docker run shop:1.0 fails: $(docker run --rm shop:1.0 2>&1 | tail -1)"
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
    "the shop keeps running" "ENTRYPOINT/CMD $cmd; $(docker logs "$probe" 2>&1 | tail -1)"
printf '%s' "$health" | grep -q '"status": "ok"' ||
  fail "a container of shop:1.0 runs but nothing answers http://127.0.0.1:8000/health inside it" "the shop's /health" "ENTRYPOINT/CMD $cmd"
echo "shop:1.0 stands on python:3.11-slim's $nbase layers, adds $((nmine - nbase)), exposes 8000, and its CMD starts the shop"
