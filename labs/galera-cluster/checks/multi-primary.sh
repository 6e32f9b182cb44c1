# Passes when every node holds orders written on each of db1, db2 and db3, and all three hold
# the same orders. A trigger fills written_on with @@hostname of the node that took the INSERT
# (replicated rows keep it), so a write counts for the node it was really sent to. Reads use
# wsrep_sync_wait=1 (causal reads): they wait until the node has applied every earlier commit.
fail() { echo "$1"; [ -z "${2:-}" ] || printf 'expected: %s\nactual: %s\n' "$2" "$3"; exit 1; }
q() { mariadb -h "$1" -u grader -pgrader --connect-timeout=3 -N -B -e "$2" 2>&1; }

first=""
for h in db1 db2 db3; do
  rows=$(q "$h" "SET SESSION wsrep_sync_wait = 1; SELECT id, item, written_on FROM shop.orders ORDER BY id") ||
    fail "cannot read shop.orders on $h: $rows"
  writers=$(printf '%s\n' "$rows" | awk -F'\t' 'NF == 3 {print $3}' | sort -u | paste -sd, -)
  for w in db1 db2 db3; do
    case ",$writers," in
      *",$w,"*) ;;
      *) fail "$h holds no order written on $w. Galera has no master: every node takes writes, so send one INSERT to $w itself (and it replicates to all)" \
        "orders written on db1,db2,db3" "orders written on ${writers:-(none)}" ;;
    esac
  done
  [ -z "$first" ] || [ "$rows" = "$first" ] || fail "$h does not hold the same orders as db1" \
    "$(printf '%s' "$first" | wc -l | tr -d ' ')+1 rows as on db1" "$(printf '%s' "$rows" | wc -l | tr -d ' ')+1 rows"
  first=$rows
done
echo "every node holds orders written on db1, db2 and db3: all three take writes"
