# Passes when shop:1.1 carries the label version=1.1 and has exactly as many filesystem layers
# as shop:1.0: LABEL (like ENV, EXPOSE, CMD) only changes the image's configuration, so
# docker history shows it as a 0 B step, while RUN, COPY and ADD add layers.
nlayers() { docker image inspect "$1" --format '{{len .RootFS.Layers}}'; }

docker image inspect shop:1.0 >/dev/null 2>&1 ||
  fail "shop:1.0 is gone: build it again first (docker build -t shop:1.0 /home/learner/shop)" \
    "shop:1.0 不见了：先重新构建它（docker build -t shop:1.0 /home/learner/shop）"
docker image inspect shop:1.1 >/dev/null 2>&1 ||
  fail "there is no image shop:1.1 yet: add LABEL version=1.1 to the Dockerfile and docker build -t shop:1.1 /home/learner/shop" \
    "还没有 shop:1.1 镜像：在 Dockerfile 里加上 LABEL version=1.1，再执行 docker build -t shop:1.1 /home/learner/shop"
label=$(docker image inspect shop:1.1 --format '{{json .Config.Labels}}' |
  jq -r '.version // .["org.opencontainers.image.version"] // empty')
[ "$label" = 1.1 ] ||
  fail "shop:1.1 has no label version=1.1 (docker inspect -f '{{json .Config.Labels}}' shop:1.1)" \
    "shop:1.1 没有 version=1.1 这个标签（用 docker inspect -f '{{json .Config.Labels}}' shop:1.1 查看）" \
    "version=1.1" "$(docker image inspect shop:1.1 --format '{{json .Config.Labels}}')"
[ "$(docker image inspect shop:1.1 --format '{{.Id}}')" != "$(docker image inspect shop:1.0 --format '{{.Id}}')" ] ||
  fail "shop:1.1 and shop:1.0 are the same image" "shop:1.1 和 shop:1.0 是同一个镜像"
old=$(nlayers shop:1.0); new=$(nlayers shop:1.1)
[ "$new" = "$old" ] ||
  fail "shop:1.1 has $new filesystem layers and shop:1.0 has $old: a label needs no layer; only RUN, COPY and ADD add one (docker history shop:1.1 shows which step did)" \
    "shop:1.1 有 $new 个文件系统层，shop:1.0 有 $old 个：标签不需要新的层，只有 RUN、COPY、ADD 才会增加层（docker history shop:1.1 能看出是哪一步加的）" \
    "$(t "$old layers" "$old 层")" "$(t "$new layers" "$new 层")"
step=$(docker history --no-trunc --format '{{.Size}} {{.CreatedBy}}' shop:1.1 | grep -m1 -E 'LABEL .*version' || true)
[ -n "$step" ] ||
  fail "docker history shop:1.1 shows no LABEL step: was the label set in the Dockerfile?" \
    "docker history shop:1.1 里没有 LABEL 这一步：标签是在 Dockerfile 里设置的吗？"
pass "shop:1.1 carries version=1.1 with the same $old layers as shop:1.0; docker history lists the LABEL step at ${step%% *}" \
  "shop:1.1 带有 version=1.1，层数和 shop:1.0 一样都是 $old；docker history 里 LABEL 这一步的大小是 ${step%% *}"
