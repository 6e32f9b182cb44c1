# Passes when the Deployment shop was rolled out to shop:2.0 and rolled back to shop:1.0 — the
# same Deployment (a ReplicaSet of 2.0 belongs to it, revision 3 or later), the rollback complete,
# and real requests through the Service shop all answered by version 1.0.
shop_deployment # sets $d
uid=$(jq -r '.metadata.uid' <<<"$d")
rev=$(jq -r '.metadata.annotations["deployment.kubernetes.io/revision"] // "0"' <<<"$d")
image=$(jq -r '.spec.template.spec.containers[0].image' <<<"$d")
if [ "$rev" = 1 ] && [ "$image" != shop:1.0 ]; then
  fail "the Deployment shop is at revision 1 with $image: it was deleted and created again instead of being updated. A rolling update changes the same Deployment (kubectl set image), and only then can kubectl rollout undo go back" \
    "Deployment shop 处于第 1 个版本（revision 1），镜像是 $image：它是被删掉重建的，而不是被更新的。滚动升级是修改同一个 Deployment（kubectl set image），这样 kubectl rollout undo 才能回退" \
    "revision 3 or later, image shop:1.0" "revision $rev, image $image"
fi
v2=$(kubectl get replicasets -o json | jq --arg uid "$uid" '[.items[]
  | select(any(.metadata.ownerReferences[]?; .uid == $uid))
  | select(.spec.template.spec.containers[0].image == "shop:2.0")] | length')
[ "$v2" -gt 0 ] ||
  fail "the Deployment shop was never rolled out to shop:2.0: none of its ReplicaSets runs 2.0 (kubectl get replicasets -o wide)" \
    "Deployment shop 从未升级到 shop:2.0：它的 ReplicaSet 里没有一个运行 2.0（kubectl get replicasets -o wide）"
[ "$image" = shop:1.0 ] ||
  fail "shop was updated but not rolled back: kubectl rollout undo deployment shop" \
    "shop 升级了，但还没有回滚：kubectl rollout undo deployment shop" "shop:1.0" "$image"
[ "$rev" -ge 3 ] 2>/dev/null ||
  fail "the rollback should be a new revision of the same Deployment (kubectl rollout history deployment shop)" \
    "回滚应当是同一个 Deployment 的一个新版本（kubectl rollout history deployment shop）" "revision 3 or later" "revision $rev"
rolled_out "$d" "the rollback is still running: wait for kubectl rollout status deployment shop" \
  "回滚还在进行中：等 kubectl rollout status deployment shop 结束"
through_service 'a.get("version")' 8 # sets $answers
tally=$(sort <<<"$answers" | uniq -c | awk '{printf "%s%s×%s", sep, $2, $1; sep=" "}')
[ "$(sort -u <<<"$answers")" = 1.0 ] ||
  fail "the Service shop should answer only with version 1.0 after the rollback" "回滚之后 Service shop 应当只由 1.0 版作答" \
    "1.0×8" "$tally"
pass "shop went to 2.0 and back to 1.0 in revision $rev of the same Deployment, and 8 requests through the Service were all answered by 1.0" \
  "同一个 Deployment 升级到 2.0 又回滚到 1.0（当前 revision $rev）；经 Service 发出的 8 个请求全部由 1.0 作答"
