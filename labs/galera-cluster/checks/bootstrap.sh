# Passes when MariaDB runs on db1 with Galera, as a new cluster of its own: Primary, one
# member, Synced and ready. Reads db1's SHOW STATUS LIKE 'wsrep_%' over the network.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }
wsrep() { mariadb -h "$1" -u grader -pgrader --connect-timeout=3 -N -B \
  -e "SHOW GLOBAL STATUS LIKE 'wsrep_%'" 2>/dev/null; }
field() { printf '%s\n' "$1" | awk -F'\t' -v k="$2" '$1 == k {print $2}'; }

s=$(wsrep db1) || fail "MariaDB does not answer on db1: bootstrap the cluster there (galera-start --new-cluster)" \
  "db1 up" "no answer on db1:3306"
[ "$(field "$s" wsrep_connected)" = ON ] ||
  fail "MariaDB runs on db1 without a Galera connection (was it started with Galera off?)" \
    "wsrep_connected ON" "wsrep_connected $(field "$s" wsrep_connected)"
status=$(field "$s" wsrep_cluster_status)
[ "$status" = Primary ] || fail "db1 is not in a Primary Component" "wsrep_cluster_status Primary" "wsrep_cluster_status $status"
size=$(field "$s" wsrep_cluster_size)
[ "$size" = 1 ] || fail "db1's cluster should have only db1 for now" "wsrep_cluster_size 1" "wsrep_cluster_size $size"
state=$(field "$s" wsrep_local_state_comment)
[ "$state" = Synced ] && [ "$(field "$s" wsrep_ready)" = ON ] ||
  fail "db1 is not ready yet: check again in a moment" "Synced, wsrep_ready ON" "$state, wsrep_ready $(field "$s" wsrep_ready)"
echo "db1 bootstrapped a new cluster: Primary, size 1, Synced (state UUID $(field "$s" wsrep_cluster_state_uuid))"
