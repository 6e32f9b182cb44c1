#!/bin/bash
# The latency a service-mesh sidecar adds to one request, and the memory of the lab's hosts.
# Run against a service-mesh environment whose step `sidecar` is solved (archlab env up
# service-mesh; its setup and `archlab solve ENV sidecar`). Inside one shop-v1 pod's app
# container, N GETs of /health alternate between the app itself (127.0.0.1:8000) and the pod's
# inbound sidecar (127.0.0.1:15006 -> HAProxy -> 127.0.0.1:8000): same pod, same run, a new
# connection per request (as urllib does); prints the medians and 90th percentiles in ms, then
# `docker stats` of the environment's containers.
# Usage: bench/service-mesh-latency.sh ENV_ID [N=200]
set -euo pipefail
env=$1 n=${2:-200}
grader=archlab-$env-grader
docker exec -i "$grader" bash -s "$n" <<'SH'
pod=$(kubectl get pods -l app=shop,version=v1 -o jsonpath='{.items[0].metadata.name}')
echo "pod $pod, $1 requests each"
kubectl exec "$pod" -c app -- python3 -c '
import statistics, sys, time, urllib.request
n = int(sys.argv[1])
urls = {"direct 127.0.0.1:8000": "http://127.0.0.1:8000/health",
        "sidecar 127.0.0.1:15006": "http://127.0.0.1:15006/health"}
times = {k: [] for k in urls}
for k, u in urls.items():
    urllib.request.urlopen(u, timeout=3).read()  # warm-up
for _ in range(n):
    for k, u in urls.items():
        t = time.perf_counter()
        urllib.request.urlopen(u, timeout=3).read()
        times[k].append((time.perf_counter() - t) * 1000)
for k, v in times.items():
    v.sort()
    print("%-24s median %.2f ms  p90 %.2f ms" % (k, statistics.median(v), v[int(len(v) * 0.9)]))
d, s = (statistics.median(v) for v in times.values())
print("added by the sidecar (median): %.2f ms" % (s - d))' "$1"
SH
docker stats --no-stream --format '{{.Name}} {{.MemUsage}} {{.CPUPerc}}' $(docker ps -q --filter "name=archlab-$env-")
