# Passes when a container named shop runs shop:1.0 with its port 8000 published on the
# workstation's port 8000, and http://workstation:8000/health is answered by that very
# container (the shop reports its host name, which is the container's).
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }

docker container inspect shop >/dev/null 2>&1 ||
  fail "there is no container named shop (docker ps -a): docker run -d --name shop -p 8000:8000 shop:1.0"
image=$(docker container inspect shop --format '{{.Config.Image}}')
[ "$image" = shop:1.0 ] || fail "the container shop runs another image" "shop:1.0" "$image"
state=$(docker container inspect shop --format '{{.State.Status}}')
[ "$state" = running ] || fail "the container shop is not running" "running" "$state"
published=$(docker container inspect shop --format '{{range $p, $b := .NetworkSettings.Ports}}{{range $b}}{{.HostPort}}->{{$p}} {{end}}{{end}}')
case " $published" in
  *" 8000->8000/tcp "*) ;;
  *) fail "the shop's port 8000 is not published on the workstation's port 8000 (-p 8000:8000)" "8000->8000/tcp" "${published:-nothing published}" ;;
esac
reply=$(curl -s -m 3 http://workstation:8000/health) ||
  fail "nothing answers on the workstation's port 8000 from outside"
answered=$(printf '%s' "$reply" | jq -r '.instance // empty' 2>/dev/null)
hostname=$(docker container inspect shop --format '{{.Config.Hostname}}')
[ "$answered" = "$hostname" ] ||
  fail "port 8000 of the workstation is answered by something other than the container shop" \
    "instance $hostname (the container)" "${answered:-no shop}"
echo "the container shop ($hostname) answers /health on the workstation's port 8000"
