# Passes when redis:7 is on the workstation's engine and came from a registry (it carries a
# registry digest, which `docker tag` cannot fake).
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }

docker image inspect redis:7 >/dev/null 2>&1 || fail "there is no redis:7 image on the workstation yet (docker images)"
digests=$(docker image inspect redis:7 --format '{{join .RepoDigests " "}}')
case "$digests" in
  *redis@sha256:*) echo "redis:7 was pulled from the registry" ;;
  *) fail "redis:7 exists but was not pulled: it is another image tagged redis:7" \
       "a digest redis@sha256:..." "${digests:-no registry digest}" ;;
esac
