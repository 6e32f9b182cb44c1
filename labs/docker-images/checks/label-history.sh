# Passes when shop:1.1 carries the label version=1.1 and has exactly as many filesystem layers
# as shop:1.0: LABEL (like ENV, EXPOSE, CMD) only changes the image's configuration, so
# docker history shows it as a 0 B step, while RUN, COPY and ADD add layers.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }
nlayers() { docker image inspect "$1" --format '{{len .RootFS.Layers}}'; }

docker image inspect shop:1.0 >/dev/null 2>&1 || fail "shop:1.0 is gone: build it again first (docker build -t shop:1.0 /root/shop)"
docker image inspect shop:1.1 >/dev/null 2>&1 ||
  fail "there is no image shop:1.1 yet: add LABEL version=1.1 to the Dockerfile and docker build -t shop:1.1 /root/shop"
label=$(docker image inspect shop:1.1 --format '{{json .Config.Labels}}' |
  jq -r '.version // .["org.opencontainers.image.version"] // empty')
[ "$label" = 1.1 ] || fail "shop:1.1 has no label version=1.1 (docker inspect -f '{{json .Config.Labels}}' shop:1.1)" \
  "version=1.1" "$(docker image inspect shop:1.1 --format '{{json .Config.Labels}}')"
[ "$(docker image inspect shop:1.1 --format '{{.Id}}')" != "$(docker image inspect shop:1.0 --format '{{.Id}}')" ] ||
  fail "shop:1.1 and shop:1.0 are the same image"
old=$(nlayers shop:1.0); new=$(nlayers shop:1.1)
[ "$new" = "$old" ] ||
  fail "shop:1.1 has $new filesystem layers and shop:1.0 has $old: a label needs no layer; only RUN, COPY and ADD add one (docker history shop:1.1 shows which step did)" \
    "$old layers" "$new layers"
step=$(docker history --no-trunc --format '{{.Size}} {{.CreatedBy}}' shop:1.1 | grep -m1 -E 'LABEL .*version' || true)
[ -n "$step" ] || fail "docker history shop:1.1 shows no LABEL step: was the label set in the Dockerfile?"
echo "shop:1.1 carries version=1.1 with the same $old layers as shop:1.0; docker history lists the LABEL step at ${step%% *}"
