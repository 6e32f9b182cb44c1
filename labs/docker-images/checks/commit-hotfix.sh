# Passes when shop:hotfix was made by docker commit of the container shop: the image records
# that container as its source, it is shop:1.0 plus exactly one layer (the container's changes),
# its newest history line is the container's command instead of a Dockerfile step, and a
# container started from it reports the hot-fixed version 1.0.1.
nlayers() { docker image inspect "$1" --format '{{len .RootFS.Layers}}'; }
layers() { t "$1 layers" "$1 层"; }

docker image inspect shop:hotfix >/dev/null 2>&1 ||
  fail "there is no image shop:hotfix yet: change the file inside the container shop, then docker commit shop shop:hotfix" \
    "还没有 shop:hotfix 镜像：先在容器 shop 里改好文件，再执行 docker commit shop shop:hotfix"
container=$(docker container inspect shop --format '{{.Id}}' 2>/dev/null) ||
  fail "the container shop is gone: shop:hotfix is to be committed from it" \
    "容器 shop 不见了：shop:hotfix 要从它提交出来"
[ "$(docker image inspect shop:hotfix --format '{{.Id}}')" != "$(docker image inspect shop:1.0 --format '{{.Id}}' 2>/dev/null)" ] ||
  fail "shop:hotfix is shop:1.0 under another name (docker tag): commit the changed container instead" \
    "shop:hotfix 只是换了名字的 shop:1.0（docker tag）：应该提交改过的容器"
source=$(docker image inspect shop:hotfix --format '{{.Container}}')
newest=$(docker history --no-trunc --format '{{.CreatedBy}}' shop:hotfix | head -1)
if [ "$source" != "$container" ]; then
  case "$newest" in
    *"/bin/sh -c"*|*"#(nop)"*)
      fail "shop:hotfix was built from a Dockerfile: this step is about docker commit, which snapshots a running container" \
        "shop:hotfix 是用 Dockerfile 构建的：这一步要练的是 docker commit，它给运行中的容器拍一张快照" \
        "$(t "newest history line: the container's command" "最新一条历史：容器的命令")" \
        "$(t "newest history line" "最新一条历史"): $newest" ;;
  esac
  fail "shop:hotfix was not committed from the container shop (docker commit shop shop:hotfix)" \
    "shop:hotfix 不是从容器 shop 提交的（docker commit shop shop:hotfix）" \
    "$(t "made from container" "来自容器") ${container:0:12}" \
    "${source:+$(t "made from container" "来自容器") ${source:0:12}}"
fi
old=$(nlayers shop:1.0); new=$(nlayers shop:hotfix)
[ "$new" != "$old" ] ||
  fail "shop:hotfix has no layer of its own: the container had no changes when it was committed (docker diff shop); edit the file first" \
    "shop:hotfix 没有自己的层：提交时容器里没有任何改动（用 docker diff shop 查看）；先修改文件" \
    "$(layers $((old + 1)))" "$(layers "$new")"
[ "$new" = $((old + 1)) ] ||
  fail "shop:hotfix should be shop:1.0 plus one layer (the container's changes)" \
    "shop:hotfix 应该是 shop:1.0 再加一层（容器里的改动）" "$(layers $((old + 1)))" "$(layers "$new")"
case "$newest" in
  *"/bin/sh -c"*|*"#(nop)"*)
    fail "the newest step of shop:hotfix looks like a Dockerfile instruction" \
      "shop:hotfix 最新的一步看起来像 Dockerfile 指令" "$(t "the container's command" "容器的命令")" "$newest" ;;
esac

probe=archlab-check-hotfix-$$
trap 'docker rm -f "$probe" >/dev/null 2>&1' EXIT
docker run -d --name "$probe" shop:hotfix >/dev/null || fail "docker run shop:hotfix fails" "docker run shop:hotfix 失败"
version=""
for _ in $(seq 1 30); do
  version=$(docker exec "$probe" python3 -c 'import json, urllib.request as u; print(json.load(u.urlopen("http://127.0.0.1:8000/health", timeout=2))["version"])' 2>/dev/null) && break
  sleep 0.3
done
[ "$version" = 1.0.1 ] ||
  fail "a container from shop:hotfix reports version ${version:-nothing}: was the file changed before the commit? (docker diff shop lists the container's changes)" \
    "用 shop:hotfix 启动的容器报告的版本是 ${version:-（没有回答）}：提交之前文件改了吗？（docker diff shop 会列出容器里的改动）" \
    "$(t "version" "版本") 1.0.1" "$(t "version" "版本") ${version:-$(t "(no answer)" "（没有回答）")}"
pass "shop:hotfix = shop:1.0 + one committed layer; docker history shows only \"$newest\" for it, not the change you made" \
  "shop:hotfix = shop:1.0 + 一个提交出来的层；docker history 里只看到 \"$newest\"，看不出你具体改了什么"
