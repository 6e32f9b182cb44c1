# Passes when db3 is down, db1 and db2 still form a Primary cluster of 2, and both hold new
# orders written on db1 AND on db2 after db3 left: the trigger records wsrep_cluster_size at
# each INSERT, so "new" means written while the cluster had 2 members, after the last 3-node write.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }
q() { mariadb -h "$1" -u grader -pgrader --connect-timeout=3 -N -B -e "$2" 2>/dev/null; }
field() { printf '%s\n' "$1" | awk -F'\t' -v k="$2" '$1 == k {print $2}'; }

if s=$(q db3 "SHOW GLOBAL STATUS LIKE 'wsrep_cluster_size'"); then
  fail "db3 still runs: stop MariaDB there (galera-stop on db3)" "db3 down" "db3 up, cluster size $(field "$s" wsrep_cluster_size)"
fi
for h in db1 db2; do
  s=$(q "$h" "SHOW GLOBAL STATUS LIKE 'wsrep_%'") || fail "MariaDB does not answer on $h: only db3 should be down" "$h up" "no answer"
  status=$(field "$s" wsrep_cluster_status); size=$(field "$s" wsrep_cluster_size)
  [ "$status" = Primary ] && [ "$size" = 2 ] ||
    fail "$h should be in a Primary cluster of 2 (db1, db2)" "Primary, size 2" "$status, size $size"
  writers=$(q "$h" "SET SESSION wsrep_sync_wait = 1; SELECT DISTINCT written_on FROM shop.orders WHERE cluster_size = 2 AND created_at >
    (SELECT COALESCE(MAX(created_at), 0) FROM shop.orders WHERE cluster_size = 3) ORDER BY 1" | paste -sd, -)
  [ "$writers" = db1,db2 ] ||
    fail "$h does not hold new orders written on both db1 and db2 since db3 left: keep writing on both survivors" \
      "new orders written on db1,db2" "new orders written on ${writers:-(none)}"
done
echo "db3 is down; db1 and db2 are still a Primary cluster of 2 and both take writes"
