# Passes when shop:hotfix was made by docker commit of the container shop: the image records
# that container as its source, it is shop:1.0 plus exactly one layer (the container's changes),
# its newest history line is the container's command instead of a Dockerfile step, and a
# container started from it reports the hot-fixed version 1.0.1.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }
nlayers() { docker image inspect "$1" --format '{{len .RootFS.Layers}}'; }

docker image inspect shop:hotfix >/dev/null 2>&1 ||
  fail "there is no image shop:hotfix yet: change the file inside the container shop, then docker commit shop shop:hotfix"
container=$(docker container inspect shop --format '{{.Id}}' 2>/dev/null) ||
  fail "the container shop is gone: shop:hotfix is to be committed from it"
[ "$(docker image inspect shop:hotfix --format '{{.Id}}')" != "$(docker image inspect shop:1.0 --format '{{.Id}}' 2>/dev/null)" ] ||
  fail "shop:hotfix is shop:1.0 under another name (docker tag): commit the changed container instead"
source=$(docker image inspect shop:hotfix --format '{{.Container}}')
newest=$(docker history --no-trunc --format '{{.CreatedBy}}' shop:hotfix | head -1)
if [ "$source" != "$container" ]; then
  case "$newest" in
    *"/bin/sh -c"*|*"#(nop)"*) fail "shop:hotfix was built from a Dockerfile: this step is about docker commit, which snapshots a running container" \
                                 "newest history line: the container's command" "newest history line: $newest" ;;
  esac
  fail "shop:hotfix was not committed from the container shop (docker commit shop shop:hotfix)" \
    "made from container ${container:0:12}" "${source:+made from container ${source:0:12}}"
fi
old=$(nlayers shop:1.0); new=$(nlayers shop:hotfix)
[ "$new" != "$old" ] || fail "shop:hotfix has no layer of its own: the container had no changes when it was committed (docker diff shop); edit the file first" \
  "$((old + 1)) layers" "$new layers"
[ "$new" = $((old + 1)) ] || fail "shop:hotfix should be shop:1.0 plus one layer (the container's changes)" "$((old + 1)) layers" "$new layers"
case "$newest" in
  *"/bin/sh -c"*|*"#(nop)"*) fail "the newest step of shop:hotfix looks like a Dockerfile instruction" "the container's command" "$newest" ;;
esac

probe=archlab-check-hotfix-$$
trap 'docker rm -f "$probe" >/dev/null 2>&1' EXIT
docker run -d --name "$probe" shop:hotfix >/dev/null || fail "docker run shop:hotfix fails"
version=""
for _ in $(seq 1 30); do
  version=$(docker exec "$probe" python3 -c 'import json, urllib.request as u; print(json.load(u.urlopen("http://127.0.0.1:8000/health", timeout=2))["version"])' 2>/dev/null) && break
  sleep 0.3
done
[ "$version" = 1.0.1 ] ||
  fail "a container from shop:hotfix reports version ${version:-nothing}: was the file changed before the commit? (docker diff shop lists the container's changes)" \
    "version 1.0.1" "version ${version:-(no answer)}"
echo "shop:hotfix = shop:1.0 + one committed layer; docker history shows only \"$newest\" for it, not the change you made"
