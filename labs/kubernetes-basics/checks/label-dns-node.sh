# Passes when the node that runs the cluster DNS pod (kube-system) carries the label role=dns
# and no other node does. Reads the pods and nodes from the API.
dns_nodes=$(kubectl -n kube-system get pods -l k8s-app=kube-dns -o json 2>/dev/null |
  jq -r '[.items[] | select(.metadata.deletionTimestamp == null)
          | .spec.nodeName // empty] | unique | join(" ")')
[ -n "$dns_nodes" ] ||
  fail "cannot find the cluster DNS pod in kube-system yet: is the cluster still starting? (kubectl -n kube-system get pods -o wide)" \
    "在 kube-system 里还找不到集群 DNS 的 Pod：集群是不是还在启动？（kubectl -n kube-system get pods -o wide）"
labelled=$(kubectl get nodes -l role=dns -o json | jq -r '[.items[].metadata.name] | sort | join(" ")')
[ -n "$labelled" ] ||
  fail "no node carries the label role=dns yet: find the node of the DNS pod with kubectl -n kube-system get pods -o wide, then kubectl label node NODE role=dns" \
    "还没有节点带 role=dns 标签：先用 kubectl -n kube-system get pods -o wide 找到 DNS Pod 所在的节点，再 kubectl label node 节点名 role=dns"
expect_eq "the nodes labelled role=dns (only the node that runs the DNS pod)" \
  "带 role=dns 标签的节点（应当只有运行 DNS Pod 的那个）" "$dns_nodes" "$labelled"
pass "the DNS pod runs on $dns_nodes, and that node is labelled role=dns" \
  "DNS Pod 运行在 $dns_nodes 上，这个节点已打上 role=dns 标签"
