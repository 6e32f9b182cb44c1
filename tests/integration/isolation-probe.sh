# What a curious learner tries from their terminal to get power over the machine (see
# isolation.test.ts, which sets the parameters below and reads the output). Every attempt prints
#   ESCAPE [where] attempt: what it got        -- the learner reached something of the machine's
#   blocked [where] attempt: why not
# and `info [where] ...` lines. With a Docker engine at hand, the same probe then runs again in
# `docker run --privileged --pid=host --net=host -v /:/host`, where nothing may be the machine's.
# Parameters: WHERE MACHINE_ENGINE_ID DISK_MAJOR DISK_MINOR MACHINE_IPS MARKER NEIGHBOUR_TOKEN
# NEIGHBOUR_IP INNER_IMAGE (and PROBE, this script's own text, to hand to the inner container).
where=${WHERE:-shell}
if [ -f "$0" ]; then PROBE=$(cat "$0"); fi
esc() { echo "ESCAPE [$where] $1: $2"; }
ok() { echo "blocked [$where] $1: $2"; }
uid_map=$(tr -s ' ' </proc/self/uid_map | sed 's/^ //' | tr '\n' ';')
cap_eff=$(awk '/^CapEff/{print $2}' /proc/self/status)
echo "info [$where] uid=$(id -u) uid_map=$uid_map CapEff=$cap_eff"
tmp=$(mktemp -d)

# 1. Host-wide kernel settings.
for f in /proc/sys/vm/swappiness /proc/sys/kernel/core_pattern; do
  if (exec 3>>"$f") 2>/dev/null; then esc sysctl "$f opens for writing"; else ok sysctl "$f does not open for writing"; fi
done

# 2. The machine's disk, through a device node of our own or one already there.
if mknod "$tmp/disk" b "$DISK_MAJOR" "$DISK_MINOR" 2>/dev/null; then
  n=$(head -c 512 "$tmp/disk" 2>/dev/null | wc -c)
  if [ "$n" -gt 0 ]; then esc disk "made a node for $DISK_MAJOR:$DISK_MINOR and read $n bytes of it"
  else ok disk "made a node for $DISK_MAJOR:$DISK_MINOR but cannot read it"; fi
else
  ok disk "mknod $DISK_MAJOR:$DISK_MINOR refused"
fi
for d in $(find /dev -type b 2>/dev/null); do
  n=$(head -c 512 "$d" 2>/dev/null | wc -c)
  if [ "$n" -gt 0 ]; then esc disk "reads the block device $d"; fi
done

# 3. Kernel modules: the capability over the machine, and the system call itself.
if [ "$uid_map" = "0 0 4294967295;" ] && [ $(((16#$cap_eff >> 16) & 1)) = 1 ]; then
  esc module "holds CAP_SYS_MODULE in the machine's user namespace (CapEff $cap_eff)"
else
  ok module "no CAP_SYS_MODULE over the machine"
fi
# finit_module (313 on x86_64) of a file that is no module: EPERM without the capability, ENOSYS
# when filtered; any other answer means the kernel went on to read the "module".
errno=$(perl -e 'open(my $f, "<", "/bin/sh") or exit 0; my $p = ""; syscall(313, fileno($f), $p, 0); print $!+0' 2>/dev/null)
case "$errno" in
  1 | 38) ok module "finit_module refused (errno $errno)" ;;
  "") ok module "finit_module not tried (no perl)" ;;
  *) esc module "finit_module got past the permission check (errno $errno)" ;;
esac

# 4. Mounting the machine's disk or a cgroup hierarchy; raising this host's own limits.
mkdir -p "$tmp/m"
try_mount() {
  if mount "$@" "$tmp/m" 2>/dev/null; then
    esc mount "mount $* succeeded"
    umount "$tmp/m" 2>/dev/null
  else
    ok mount "mount $* refused"
  fi
}
try_mount -t cgroup -o memory cgroup
try_mount -t cgroup2 cgroup2
[ -b "$tmp/disk" ] && try_mount -t ext4 "$tmp/disk"
if command -v unshare >/dev/null; then
  # In a user namespace of our own: a cgroup v1 hierarchy, or writing into cgroup v2.
  out=$(unshare -Urm sh -c "mount -t cgroup -o memory cgroup $tmp/m && echo MOUNTED" 2>/dev/null)
  case "$out" in *MOUNTED*) esc mount "a cgroup v1 hierarchy mounts in a user namespace" ;; *) ok mount "no cgroup v1 mount in a user namespace" ;; esac
  out=$(unshare -UrmC sh -c "mount -t cgroup2 none $tmp/m && mkdir $tmp/m/archlab-probe && echo WROTE" 2>/dev/null)
  case "$out" in *WROTE*) esc mount "created a cgroup through a user namespace" ;; *) ok mount "no cgroup created through a user namespace" ;; esac
fi
for f in $(find /sys/fs/cgroup -maxdepth 2 \( -name memory.limit_in_bytes -o -name memory.max -o -name pids.max -o -name cpu.cfs_quota_us \) 2>/dev/null); do
  if [ -w "$f" ]; then esc cgroup "can rewrite its own limit $f"; fi
done

# 5. The machine's filesystem: a marker file the test wrote on the machine.
seen=no
for root in / /host/; do
  if [ -e "${root}var/tmp/$MARKER" ]; then esc filesystem "sees the machine's /var/tmp/$MARKER under $root"; seen=yes; fi
done
[ $seen = no ] && ok filesystem "the machine's files are not visible"

# 6. The machine's Docker engine: any socket or port that answers with the machine's engine ID.
info_unix() {
  if command -v curl >/dev/null; then curl -s --max-time 3 --unix-socket "$1" http://x/info
  else timeout 3 perl -MIO::Socket::UNIX -e '$s = IO::Socket::UNIX->new(Peer => $ARGV[0]) or exit; print $s "GET /info HTTP/1.0\r\nHost: x\r\n\r\n"; print while <$s>' "$1"; fi
}
info_tcp() {
  timeout 3 bash -c 'exec 3<>/dev/tcp/$0/$1 || exit; printf "GET /info HTTP/1.0\r\nHost: x\r\n\r\n" >&3; cat <&3' "$1" "$2" 2>/dev/null
  command -v curl >/dev/null && curl -sk --max-time 3 "https://$1:$2/info"
}
engine=no
for s in /var/run/docker.sock /run/docker.sock /host/var/run/docker.sock /host/run/docker.sock \
  $(find /run /var/run /tmp /home /root /host/run /host/var/run /host/tmp /host/home -maxdepth 4 \
    -type s 2>/dev/null | head -n 40); do
  [ -S "$s" ] || continue
  if info_unix "$s" 2>/dev/null | grep -qF "\"ID\":\"$MACHINE_ENGINE_ID\""; then esc engine "$s is the machine's engine"; engine=yes; fi
done
gateway=$(awk 'NR > 1 && $2 == "00000000" { printf "%d.%d.%d.%d\n", "0x" substr($3,7,2), "0x" substr($3,5,2), "0x" substr($3,3,2), "0x" substr($3,1,2) }' /proc/net/route | head -n 1)
for ip in $gateway $MACHINE_IPS; do
  for port in 2375 2376; do
    if info_tcp "$ip" "$port" | grep -qF "\"ID\":\"$MACHINE_ENGINE_ID\""; then esc engine "$ip:$port is the machine's engine"; engine=yes; fi
  done
done
[ $engine = no ] && ok engine "no socket or port answers as the machine's engine (gateway ${gateway:-none})"

# 7. Another learner's environment: its processes and its network.
pattern="${NEIGHBOUR_TOKEN%?}[${NEIGHBOUR_TOKEN: -1}]"
if cat /proc/[0-9]*/cmdline 2>/dev/null | tr '\0' ' ' | grep -q "$pattern"; then esc neighbour "sees another environment's processes"
else ok neighbour "no process of another environment in sight"; fi
if timeout 3 bash -c 'exec 3<>/dev/tcp/$0/7777' "$NEIGHBOUR_IP" 2>/dev/null; then esc neighbour "connects to another environment at $NEIGHBOUR_IP:7777"
else ok neighbour "$NEIGHBOUR_IP:7777 unreachable"; fi
if command -v ping >/dev/null && ping -c 1 -W 2 "$NEIGHBOUR_IP" >/dev/null 2>&1; then esc neighbour "pings another environment at $NEIGHBOUR_IP"; fi

# 8. The learner's own engine, as privileged as it gets: what it touches must not be the machine's.
if [ "$where" = shell ] && command -v docker >/dev/null && docker info >/dev/null 2>&1; then
  docker image inspect "$INNER_IMAGE" >/dev/null 2>&1 || docker pull -q "$INNER_IMAGE" >/dev/null 2>&1
  inner=$(printf '%s\n' "$PROBE" | docker run --rm -i --privileged --pid=host --net=host -v /:/host \
    -e WHERE=privileged-container -e MACHINE_ENGINE_ID -e DISK_MAJOR -e DISK_MINOR -e MACHINE_IPS \
    -e MARKER -e NEIGHBOUR_TOKEN -e NEIGHBOUR_IP "$INNER_IMAGE" bash -s 2>&1)
  case "$inner" in
    *"info [privileged-container]"*) printf '%s\n' "$inner" | grep -E '^(ESCAPE|blocked|info) ' ;;
    *) echo "info [privileged-container] did not run: $(printf '%s' "$inner" | tail -n 3 | tr '\n' ' ')" ;;
  esac
fi
rm -rf "$tmp"
