# Runs as root on node2: starts its kubelet again and waits until the API shows node2 Ready.
kc=/etc/kubernetes/kubelet.kubeconfig
# The API server pretty-prints JSON for a curl user agent; another agent gets it compact, one
# object per line, which the greps below read.
tls=$(mktemp -d)
field() { sed -n "s/^ *$1: *//p" "$kc" | head -n 1; }
field certificate-authority-data | base64 -d >"$tls/ca.crt"
field client-certificate-data | base64 -d >"$tls/client.crt"
field client-key-data | base64 -d >"$tls/client.key"
server=$(field server)
ready() {
  curl -s -m 5 -A archlab-lab-script --cacert "$tls/ca.crt" --cert "$tls/client.crt" --key "$tls/client.key" "$server/api/v1/nodes/node2" |
    grep -o '"type":"Ready","status":"[A-Za-z]*"' | sed 's/.*"status":"//; s/"$//'
}
kubelet-ctl start
until [ "$(ready)" = True ]; do sleep 2; done
rm -rf "$tls"
