# Passes when db1, db2 and db3 form ONE cluster: each sees 3 members, Primary and Synced, and
# all report the same cluster state UUID (nodes bootstrapped on their own each get their own).
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }
wsrep() { mariadb -h "$1" -u grader -pgrader --connect-timeout=3 -N -B \
  -e "SHOW GLOBAL STATUS LIKE 'wsrep_%'" 2>/dev/null; }
field() { printf '%s\n' "$1" | awk -F'\t' -v k="$2" '$1 == k {print $2}'; }

uuid=""
for h in db1 db2 db3; do
  s=$(wsrep "$h") || fail "MariaDB does not answer on $h: start it there with galera-start (no --new-cluster: it joins)" \
    "$h up" "no answer on $h:3306"
  u=$(field "$s" wsrep_cluster_state_uuid)
  [ -z "$uuid" ] || [ "$u" = "$uuid" ] ||
    fail "$h belongs to another cluster than db1 (different state UUID): it was bootstrapped on its own; only the first node bootstraps, the others join" \
      "$uuid (db1's)" "$u"
  uuid=$u
  status=$(field "$s" wsrep_cluster_status)
  [ "$status" = Primary ] || fail "$h is not in a Primary Component" "wsrep_cluster_status Primary" "wsrep_cluster_status $status"
  size=$(field "$s" wsrep_cluster_size)
  [ "$size" = 3 ] || fail "$h sees a cluster of $size node(s)" "wsrep_cluster_size 3" "wsrep_cluster_size $size"
  state=$(field "$s" wsrep_local_state_comment)
  [ "$state" = Synced ] || fail "$h is still joining ($state): check again in a moment" "Synced" "$state"
done
echo "db1, db2 and db3 form one cluster: size 3, Primary, all Synced (state UUID $uuid)"
