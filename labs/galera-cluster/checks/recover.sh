# Passes when the three nodes form one Primary cluster again, all Synced, and every node holds
# the same orders, among them those written on db1 and db2 while db3 was down (db3 received
# them by IST or SST when it rejoined).
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }
q() { mariadb -h "$1" -u grader -pgrader --connect-timeout=3 -N -B -e "$2" 2>/dev/null; }
field() { printf '%s\n' "$1" | awk -F'\t' -v k="$2" '$1 == k {print $2}'; }

uuid=""; first=""
for h in db1 db2 db3; do
  s=$(q "$h" "SHOW GLOBAL STATUS LIKE 'wsrep_%'") ||
    fail "MariaDB does not answer on $h: start it again (galera-start)" "$h up" "no answer on $h:3306"
  status=$(field "$s" wsrep_cluster_status)
  [ "$status" = Primary ] || fail "$h is $status: a Primary Component must be restored first (pc.bootstrap=YES on the survivor)" \
    "wsrep_cluster_status Primary" "wsrep_cluster_status $status"
  u=$(field "$s" wsrep_cluster_state_uuid)
  [ -z "$uuid" ] || [ "$u" = "$uuid" ] || fail "$h belongs to another cluster than db1" "$uuid" "$u"
  uuid=$u
  size=$(field "$s" wsrep_cluster_size)
  [ "$size" = 3 ] || fail "$h sees a cluster of $size node(s)" "wsrep_cluster_size 3" "wsrep_cluster_size $size"
  state=$(field "$s" wsrep_local_state_comment)
  [ "$state" = Synced ] || fail "$h is still catching up ($state): check again in a moment" "Synced" "$state"
  writers=$(q "$h" "SET SESSION wsrep_sync_wait = 1; SELECT DISTINCT written_on FROM shop.orders WHERE cluster_size = 2 ORDER BY 1" | paste -sd, -)
  [ "$writers" = db1,db2 ] || fail "$h lacks the orders written on db1 and db2 while db3 was down" \
    "orders written with 2 nodes on db1,db2" "${writers:-(none)}"
  rows=$(q "$h" "SET SESSION wsrep_sync_wait = 1; SELECT id, item, written_on, cluster_size FROM shop.orders ORDER BY id")
  [ -z "$first" ] || [ "$rows" = "$first" ] || fail "$h does not hold the same orders as db1" "identical shop.orders" "different rows"
  first=$rows
done
echo "the cluster is whole again: 3 nodes Primary and Synced, and db3 caught up on every order"
