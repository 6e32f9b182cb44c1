# Passes when every node holds orders written on each of db1, db2 and db3, and all three hold
# the same orders. A trigger fills written_on with @@hostname of the node that took the INSERT
# (replicated rows keep it), so a write counts for the node it was really sent to. Reads use
# wsrep_sync_wait=1 (causal reads): they wait until the node has applied every earlier commit.
written_on() { t "orders written on $1" "在 $1 上写入的订单"; }

first=""
for h in db1 db2 db3; do
  rows=$(mariadb_q "$h" "SET SESSION wsrep_sync_wait = 1; SELECT id, item, written_on FROM shop.orders ORDER BY id") ||
    fail "cannot read shop.orders on $h: $rows" "读不了 $h 上的 shop.orders：$rows"
  writers=$(printf '%s\n' "$rows" | awk -F'\t' 'NF == 3 {print $3}' | sort -u | paste -sd, -)
  for w in db1 db2 db3; do
    case ",$writers," in
      *",$w,"*) ;;
      *) fail "$h holds no order written on $w. Galera has no master: every node takes writes, so send one INSERT to $w itself (and it replicates to all)" \
           "$h 上没有在 $w 上写入的订单。Galera 没有主节点：每个节点都能写，所以直接向 $w 发一条 INSERT（它会复制到所有节点）" \
           "$(written_on db1,db2,db3)" "$(written_on "${writers:-$(t "(none)" "（无）")}")" ;;
    esac
  done
  if [ -n "$first" ] && [ "$rows" != "$first" ]; then
    want=$(($(printf '%s' "$first" | wc -l) + 1)); got=$(($(printf '%s' "$rows" | wc -l) + 1))
    fail "$h does not hold the same orders as db1" "$h 上的订单和 db1 上的不一样" \
      "$(t "$want rows as on db1" "和 db1 一样的 $want 行")" "$(t "$got rows" "$got 行")"
  fi
  first=$rows
done
pass "every node holds orders written on db1, db2 and db3: all three take writes" \
  "每个节点上都有分别在 db1、db2、db3 上写入的订单：三个节点都能接受写入"
