# Passes when the shop's SHOP_BANNER comes from a ConfigMap (configMapKeyRef or envFrom), the
# Deployment is fully rolled out, and real requests through the Service shop all show the
# ConfigMap's current value as "banner" in /health.
shop_deployment # sets $d
c=$(jq '.spec.template.spec.containers[0]' <<<"$d")
inline=$(jq -r '[.env[]? | select(.name == "SHOP_BANNER" and .value != null) | .value][0] // empty' <<<"$c")
[ -z "$inline" ] ||
  fail "SHOP_BANNER is written inline in the Deployment (value: \"$inline\"): take it from a ConfigMap instead (valueFrom.configMapKeyRef), so configuration lives apart from the image and the Deployment" \
    "SHOP_BANNER 直接写死在 Deployment 里（value: \"$inline\"）：请改为从 ConfigMap 读取（valueFrom.configMapKeyRef），让配置独立于镜像和 Deployment" \
    "valueFrom.configMapKeyRef" "value: $inline"
ref=$(jq -r '[.env[]? | select(.name == "SHOP_BANNER") | .valueFrom.configMapKeyRef | select(. != null) | "\(.name) \(.key)"][0] // empty' <<<"$c")
if [ -z "$ref" ]; then # envFrom: a ConfigMap whose key (after the prefix) is SHOP_BANNER
  for pair in $(jq -r '.envFrom[]? | select(.configMapRef != null) | "\(.configMapRef.name)|\(.prefix // "")"' <<<"$c"); do
    prefix=${pair#*|}
    [[ SHOP_BANNER == "$prefix"* ]] || continue
    key=SHOP_BANNER
    key=${key#"$prefix"}
    if kubectl get configmap "${pair%%|*}" -o json 2>/dev/null | jq -e --arg k "$key" '.data[$k] != null' >/dev/null; then
      ref="${pair%%|*} $key"
    fi
  done
fi
[ -n "$ref" ] ||
  fail "the shop's container does not take SHOP_BANNER from a ConfigMap (kubectl get deployment shop -o yaml: env)" \
    "shop 的容器没有从 ConfigMap 读取 SHOP_BANNER（kubectl get deployment shop -o yaml，看 env 部分）" \
    "SHOP_BANNER from a ConfigMap" "$(jq -c '[.env[]?.name]' <<<"$c")"
read -r cm key <<<"$ref"
value=$(kubectl get configmap "$cm" -o json 2>/dev/null | jq -r --arg k "$key" '.data[$k] // empty')
[ -n "$value" ] ||
  fail "the ConfigMap $cm has no non-empty key $key (kubectl get configmap $cm -o yaml)" \
    "ConfigMap $cm 里没有非空的键 $key（kubectl get configmap $cm -o yaml）"
rolled_out "$d" \
  "the Deployment shop is not fully rolled out: wait for kubectl rollout status deployment shop (a rollout stuck on shop:2.1 needs kubectl rollout undo first)" \
  "Deployment shop 还没有完全发布：等 kubectl rollout status deployment shop 结束（卡在 shop:2.1 的发布要先 kubectl rollout undo）"
through_service 'json.dumps(a.get("banner"))' 8 # sets $answers
answers=$(jq -c . <<<"$answers" 2>/dev/null)
want_json=$(jq -cn --arg v "$value" '$v')
stale=$(grep -cvxF -- "$want_json" <<<"$answers")
if [ "$stale" != 0 ]; then
  seen=$(sort -u <<<"$answers" | head -n 3 | paste -sd ' ')
  fail "the shop's answers do not show the ConfigMap's value of $key: environment variables are read when a container starts, so after changing the ConfigMap restart the pods (kubectl rollout restart deployment shop)" \
    "商城的回答里看不到 ConfigMap 中 $key 的当前值：环境变量只在容器启动时读取，改了 ConfigMap 之后要重启 Pod（kubectl rollout restart deployment shop）" \
    "banner $want_json" "banner $seen"
fi
pass "SHOP_BANNER comes from the ConfigMap $cm ($key), and every answer through the Service shows it: $want_json" \
  "SHOP_BANNER 来自 ConfigMap $cm（键 $key），经 Service 的每个回答都带着它：$want_json"
