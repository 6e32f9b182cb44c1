# /etc/profile.d: the learner's terminal on a Docker host opens inside the user and network
# namespaces of their rootless engine, so the Docker host they study is the one they stand on:
# `ip addr` shows docker0 and the engine's bridges, `iptables -t nat -S` its port rules, and
# `curl localhost` reaches --network host containers. The shell is root of that user namespace,
# which is the unprivileged user learner (uid 1000) on the machine (docs/security.md).
if [ -z "${ARCHLAB_ENGINE_NS:-}" ] && [ "$(id -u)" = 1000 ] && [ -t 0 ] &&
  [ -r /run/user/1000/rootlesskit/child_pid ]; then
  export ARCHLAB_ENGINE_NS=1
  engine_pid=$(cat /run/user/1000/rootlesskit/child_pid)
  if nsenter --user --preserve-credentials --net --target "$engine_pid" -- true 2>/dev/null; then
    exec nsenter --user --preserve-credentials --net --target "$engine_pid" -- bash -l
  fi
  unset engine_pid
fi
