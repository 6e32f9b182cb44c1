#!/bin/bash
# The Kubernetes cluster of the kubernetes-basics lab brought up by hand with the docker CLI — the
# baseline bench/cluster.ts compares archlab against. Same images, same host options, same
# hand-over of kubeconfigs; waits, like archlab, for both nodes Ready and the DNS pod running.
# Usage: cluster-raw.sh CP_IMAGE NODE_IMAGE WS_IMAGE REGISTRY_IMAGE   (prints the network name)
set -euo pipefail
cp_image=$1 node_image=$2 ws_image=$3 registry_image=$4
net=rawk8s-$$
docker network create "$net" >/dev/null
dind=(--cap-add ALL --cap-drop SYS_RESOURCE --security-opt seccomp=unconfined
  --security-opt apparmor=unconfined --security-opt systempaths=unconfined
  --device-cgroup-rule 'a *:* rwm' --cgroupns private --init)
docker run -d --name "$net-mirror" --network "$net" --network-alias registry.archlab.internal \
  -v archlab-registry:/var/lib/docker-registry:ro "$registry_image" >/dev/null
docker run -d --name "$net-cp" --hostname cp --network "$net" --network-alias cp --init \
  -e KUBE_NODES="node1 node2" -m 1g "$cp_image" >/dev/null
for n in node1 node2; do
  docker volume create "$net-$n" >/dev/null
  docker run -d --name "$net-$n" --hostname "$n" --network "$net" --network-alias "$n" "${dind[@]}" \
    -v "$net-$n:/var/lib/docker" -e KUBE_NODES="node1 node2" \
    -e REGISTRY_MIRROR=registry.archlab.internal:5000 -m 1536m "$node_image" >/dev/null
done
docker run -d --name "$net-ws" --network "$net" -m 256m "$ws_image" >/dev/null
until docker exec "$net-cp" test -e /run/kube-addons 2>/dev/null; do sleep 0.25; done
tmp=$(mktemp -d)
docker cp -q "$net-cp:/etc/kubernetes/." "$tmp/"
for n in node1 node2; do
  until docker exec "$net-$n" test -e /run/kube-node-engine 2>/dev/null; do sleep 0.25; done
  docker exec "$net-$n" mkdir -p /etc/kubernetes/pki
  docker cp -q "$tmp/pki/ca.crt" "$net-$n:/etc/kubernetes/pki/ca.crt"
  docker cp -q "$tmp/kube-proxy.kubeconfig" "$net-$n:/etc/kubernetes/kube-proxy.kubeconfig"
  docker cp -q "$tmp/node-$n.kubeconfig" "$net-$n:/etc/kubernetes/kubelet.kubeconfig"
done
docker exec "$net-ws" mkdir -p /root/.kube
docker cp -q "$tmp/admin.kubeconfig" "$net-ws:/root/.kube/config"
rm -rf "$tmp"
until [ "$(docker exec "$net-ws" kubectl get nodes --no-headers 2>/dev/null | grep -c ' Ready ')" = 2 ]; do
  sleep 0.5
done
# As archlab does: a controller-manager started before any node was Ready never evicts.
docker exec "$net-cp" bash -c 'pkill -x kube-controller; sleep 0.5
  until curl -sfk https://127.0.0.1:10257/healthz >/dev/null; do sleep 0.2; done'
until docker exec "$net-ws" kubectl -n kube-system get pods --no-headers 2>/dev/null | grep -q '1/1 *Running'; do
  sleep 0.5
done
echo "$net"
