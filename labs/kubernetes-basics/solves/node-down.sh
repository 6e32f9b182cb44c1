# What the learner does: in the node2 tab `sudo kubelet-ctl stop`; on the workstation watch
# node2 turn NotReady and its pods come back on node1 (kubectl get nodes; kubectl get pods -o
# wide); then `sudo kubelet-ctl start` in the node2 tab and wait until node2 is Ready again.
#
# As a script, run as root on node2: it reads the API with the node's own credentials (the node
# has no kubectl) to wait until the control plane has marked node2 unhealthy and evicted its shop
# pods, then starts the kubelet again and waits until node2 is Ready.
kc=/etc/kubernetes/kubelet.kubeconfig
# The API server pretty-prints JSON for a curl user agent; another agent gets it compact, one
# object per line, which the greps below read.
tls=$(mktemp -d)
field() { sed -n "s/^ *$1: *//p" "$kc" | head -n 1; }
field certificate-authority-data | base64 -d >"$tls/ca.crt"
field client-certificate-data | base64 -d >"$tls/client.crt"
field client-key-data | base64 -d >"$tls/client.key"
server=$(field server)
api() { curl -s -m 5 -A archlab-lab-script --cacert "$tls/ca.crt" --cert "$tls/client.crt" --key "$tls/client.key" "$server$1"; }
# Ready's status of node2 (True, False, Unknown), from the compact JSON of the Node.
ready() { api /api/v1/nodes/node2 | grep -o '"type":"Ready","status":"[A-Za-z]*"' | sed 's/.*"status":"//; s/"$//'; }
# How many shop pods on node2 are not yet marked for deletion.
shop_left() {
  api "/api/v1/namespaces/default/pods?labelSelector=app%3Dshop&fieldSelector=spec.nodeName%3Dnode2" |
    grep -o '"generateName":"[^"]*"[^{}]*' | grep -vc deletionTimestamp
}

kubelet-ctl stop
for _ in $(seq 1 60); do
  [ "$(ready)" != True ] && [ "$(shop_left)" = 0 ] && break
  sleep 2
done
echo "node2: $(ready); shop pods left on node2: $(shop_left)"
sleep 5 # the ReplicaSet's replacements on node1 start meanwhile
kubelet-ctl start
until [ "$(ready)" = True ]; do sleep 2; done
echo "node2 is Ready again"
rm -rf "$tls"
