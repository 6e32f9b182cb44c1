# Passes when db1 survives without quorum: it answers, is non-Primary, and REFUSES a write
# (the probe INSERT runs with autocommit off and is rolled back, so it changes nothing even if
# a node wrongly accepts it). db2 and db3 must not be running in a Primary Component.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }
q() { mariadb -h "$1" -u grader -pgrader --connect-timeout=3 -N -B -e "$2" 2>&1; }
field() { printf '%s\n' "$1" | awk -F'\t' -v k="$2" '$1 == k {print $2}'; }

s=$(q db1 "SHOW GLOBAL STATUS LIKE 'wsrep_%'") ||
  fail "MariaDB does not answer on db1: db1 is the survivor here; take db2 away instead" "db1 up" "no answer on db1:3306"
for h in db2 db3; do
  if other=$(q "$h" "SHOW GLOBAL STATUS LIKE 'wsrep_cluster_status'") && [ "$(field "$other" wsrep_cluster_status)" = Primary ]; then
    fail "$h still runs in a Primary Component" "$h gone" "$h Primary"
  fi
done
status=$(field "$s" wsrep_cluster_status); size=$(field "$s" wsrep_cluster_size)
if probe=$(q db1 "SET autocommit = 0; INSERT INTO shop.orders (item) VALUES ('quorum probe'); ROLLBACK"); then
  fail "db1 still accepts writes ($status, size $size). A node that stops gracefully leaves the cluster, which shrinks and keeps its quorum; a node that crashes or is cut off does not: make db2 fail (kill -9)" \
    "ERROR 1047: WSREP has not yet prepared node for application use" "the INSERT succeeded"
fi
case "$probe" in
  *1047*) ;;
  *) fail "db1 refused the write for another reason than quorum" "ERROR 1047 (WSREP not ready)" "$probe" ;;
esac
[ "$status" = non-Primary ] || fail "db1 refuses writes but is not non-Primary" "non-Primary" "$status"
echo "db1 alone is non-Primary (1 of 2 is no majority) and refuses writes: ERROR 1047"
