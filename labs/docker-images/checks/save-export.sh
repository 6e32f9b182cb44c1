# Passes when
# - /home/learner/shop-1.0.tar is a `docker save` archive of shop:1.0 (manifest.json, the same image id,
#   its configuration and history inside), and the engine loaded it back (a `load` event for
#   that image after the archive was written): shop:1.0 still has its CMD, ENV and history;
# - shop:flat was made by `docker export` of the container shop and `docker import`: one
#   layer holding the shop's files, but no CMD, no ENV and a one-line history.
inspect() { docker image inspect "$1" --format "$2"; }

docker image inspect shop:1.0 >/dev/null 2>&1 ||
  fail "there is no shop:1.0: load it back from the archive (docker load -i /home/learner/shop-1.0.tar)" \
    "没有 shop:1.0：从归档文件把它加载回来（docker load -i /home/learner/shop-1.0.tar）"
id=$(inspect shop:1.0 '{{.Id}}')

# 1. The archive, read where it lies (the workstation's /home/learner, through a throwaway container).
summary=$(docker run --rm -v /home/learner:/w:ro python:3.11-slim python3 -c '
import json, os, tarfile
path = "/w/shop-1.0.tar"
if not os.path.exists(path):
    print("error missing"); raise SystemExit
try:
    t = tarfile.open(path)
    manifest = json.load(t.extractfile("manifest.json"))[0]
    config = json.load(t.extractfile(manifest["Config"]))
except (KeyError, tarfile.TarError, ValueError, IndexError, TypeError):
    print("error notsave"); raise SystemExit
print("ok", os.stat(path).st_mtime_ns, manifest["Config"].split(".")[0].split(":")[-1],
      ",".join(manifest.get("RepoTags") or []) or "-", len(config.get("history", [])),
      "cmd" if config.get("config", {}).get("Cmd") else "nocmd")
' 2>&1)
set -- $summary
case "$1" in
  ok) ;;
  error) [ "$2" = missing ] &&
           fail "there is no /home/learner/shop-1.0.tar: docker save -o /home/learner/shop-1.0.tar shop:1.0" \
             "没有 /home/learner/shop-1.0.tar：docker save -o /home/learner/shop-1.0.tar shop:1.0"
         fail "/home/learner/shop-1.0.tar is not a docker save archive (it has no manifest.json): docker export writes only a container's files" \
           "/home/learner/shop-1.0.tar 不是 docker save 的归档（里面没有 manifest.json）：docker export 只会写出容器的文件" \
           "$(t "docker save archive" "docker save 归档")" "$(t "another tar file" "别的 tar 文件")" ;;
  *) fail "cannot read /home/learner/shop-1.0.tar: $summary" "读不了 /home/learner/shop-1.0.tar：$summary" ;;
esac
mtime=$2; archived=$3; tags=$4; history=$5
case ",$tags," in
  *,shop:1.0,*) ;;
  *) fail "/home/learner/shop-1.0.tar holds $tags, not shop:1.0" "/home/learner/shop-1.0.tar 里是 $tags，不是 shop:1.0" "shop:1.0" "$tags" ;;
esac
[ "sha256:$archived" = "$id" ] ||
  fail "/home/learner/shop-1.0.tar holds another image than today's shop:1.0: save it again" \
    "/home/learner/shop-1.0.tar 里的镜像和现在的 shop:1.0 不是同一个：重新保存一次" "${id:7:12}" "${archived:0:12}"
loaded=$(docker events --since 0 --until "$(date +%s)" --filter type=image --filter event=load --format '{{.TimeNano}} {{.Actor.ID}}' |
  awk -v id="$id" -v t="$mtime" '$2 == id && $1 >= t' | wc -l)
[ "$loaded" -gt 0 ] ||
  fail "shop:1.0 has not been loaded back from /home/learner/shop-1.0.tar since it was saved: docker load -i /home/learner/shop-1.0.tar" \
    "保存之后还没有从 /home/learner/shop-1.0.tar 把 shop:1.0 加载回来：docker load -i /home/learner/shop-1.0.tar" \
    "$(t "a load of ${id:7:12} after the save" "保存之后加载过 ${id:7:12}")" "$(t "no such load" "没有这样的加载")"

# 2. What the loaded image kept.
cmd=$(inspect shop:1.0 '{{json .Config.Cmd}}'); envs=$(inspect shop:1.0 '{{len .Config.Env}}')
kept=$(docker history -q shop:1.0 | wc -l)
[ "$cmd" != null ] && [ "$envs" -gt 0 ] && [ "$kept" -gt 1 ] ||
  fail "the loaded shop:1.0 lacks its CMD, ENV or history" "加载回来的 shop:1.0 缺了 CMD、ENV 或历史记录" \
    "$(t "CMD, ENV and history" "CMD、ENV 和历史记录")" \
    "CMD $cmd, $envs ENV, $(t "$kept history lines" "$kept 条历史记录")"

# 3. The imported image: the files, and nothing else.
docker image inspect shop:flat >/dev/null 2>&1 ||
  fail "there is no image shop:flat yet: docker export shop | docker import - shop:flat" \
    "还没有 shop:flat 镜像：docker export shop | docker import - shop:flat"
flat_layers=$(inspect shop:flat '{{len .RootFS.Layers}}')
flat_cmd=$(inspect shop:flat '{{json .Config.Cmd}}')
flat_env=$(inspect shop:flat '{{json .Config.Env}}')
flat_history=$(docker history -q shop:flat | wc -l)
if [ "$flat_cmd" != null ] || [ "$flat_env" != null ] || [ "$flat_history" != 1 ] || [ "$flat_layers" != 1 ]; then
  fail "shop:flat kept what an import drops: it was committed or tagged, not imported from docker export" \
    "shop:flat 保留了 import 本该丢掉的东西：它是 commit 或 tag 出来的，而不是从 docker export 导入的" \
    "$(t "1 layer, CMD null, ENV null, 1 history line" "1 层，CMD null，ENV null，1 条历史记录")" \
    "$(t "$flat_layers layers, CMD $flat_cmd, ENV ${flat_env:0:40}, $flat_history history lines" \
         "$flat_layers 层，CMD $flat_cmd，ENV ${flat_env:0:40}，$flat_history 条历史记录")"
fi
found=$(docker run --rm shop:flat find / -xdev -name shop.py -not -path '/proc/*' -print -quit 2>/dev/null)
[ -n "$found" ] ||
  fail "shop:flat does not hold the shop's files: export the container shop (docker export shop)" \
    "shop:flat 里没有商城的文件：应该导出容器 shop（docker export shop）"
refused=$(docker run --rm shop:flat 2>&1 | head -1 | sed 's/.*daemon: //')
pass "save/load kept shop:1.0 whole (CMD $cmd, $envs ENV, $kept history lines); export/import kept only the files: shop:flat has $found in 1 layer, no CMD, no ENV, 1 history line (docker run shop:flat: ${refused:-fails})" \
  "save/load 把 shop:1.0 完整保留了下来（CMD $cmd，$envs 个 ENV，$kept 条历史记录）；export/import 只保留了文件：shop:flat 只有 1 层，里面有 $found，没有 CMD、没有 ENV，只有 1 条历史记录（docker run shop:flat：${refused:-失败}）"
