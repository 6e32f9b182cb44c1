# Passes when redis:7 is on the workstation's engine and came from a registry (it carries a
# registry digest, which `docker tag` cannot fake).
docker image inspect redis:7 >/dev/null 2>&1 ||
  fail "there is no redis:7 image on the workstation yet (docker images)" \
    "workstation 上还没有 redis:7 镜像（用 docker images 看看）"
digests=$(docker image inspect redis:7 --format '{{join .RepoDigests " "}}')
case "$digests" in
  *redis@sha256:*) pass "redis:7 was pulled from the registry" "redis:7 已从镜像仓库拉取" ;;
  *) fail "redis:7 exists but was not pulled: it is another image tagged redis:7" \
       "redis:7 存在，但不是拉取来的：这是另一个镜像被打上了 redis:7 的标签" \
       "$(t "a digest redis@sha256:..." "带有摘要 redis@sha256:...")" \
       "${digests:-$(t "no registry digest" "没有仓库摘要")}" ;;
esac
