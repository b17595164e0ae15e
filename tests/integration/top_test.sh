#!/usr/bin/env bash
# lxc-top in a terminal (tmux) on two busybox containers: the table and its
# TOTAL line, a memory hog seen in Mem Used, the sort keys (m, n, r), the
# terminal's height, -b, and q, Ctrl+C and SIGTERM leaving with status 0 and
# the terminal as it was; without a terminal it refuses as LXC's does.
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"
command -v tmux >/dev/null || skip "tmux is not installed"

lp=$(mktemp -d /tmp/lxcpp-test-top-XXXXXX)
a=top-a-$$
b=top-b-$$
T=(tmux -S "$lp/tmux.sock")
trap '"${T[@]}" kill-server >/dev/null 2>&1 || true; remove_lxcpath "$lp"' EXIT

# Without a terminal on stdin: LXC's two lines and status 1.
rc=0; err=$("$BIN/lxc-top" -P "$lp" </dev/null 2>&1) || rc=$?
expect_eq "stdin not a tty: exit status" 1 "$rc"
expect_eq "stdin not a tty: LXC's message" "stdin is not a tty
Failed to setup terminal" "$err"
rc=0; err=$("$BIN/lxc-top" -P "$lp" -d soon </dev/null 2>&1) || rc=$?
expect_eq "a bad delay is refused" 1 "$rc"
expect_contains "and says so" "could not parse command line" "$err"
expect_contains "--help names the sort keys" "k = Kernel memory use" "$("$BIN/lxc-top" --help)"

for c in "$a" "$b"; do
  expect_rc "lxc-create $c" 0 "$BIN/lxc-create" -P "$lp" -n "$c" -t busybox
  expect_rc "lxc-start -d $c" 0 "$BIN/lxc-start" -P "$lp" -n "$c" -d
  expect_rc "lxc-wait RUNNING $c" 0 "$BIN/lxc-wait" -P "$lp" -n "$c" -s RUNNING -t 10
done
# A third one, defined but stopped, is not listed.
expect_rc "lxc-create a stopped one" 0 "$BIN/lxc-create" -P "$lp" -n top-stopped-$$ -t busybox

"${T[@]}" new-session -d -s top -x 160 -y 30 "bash --norc --noprofile"
pane() { "${T[@]}" capture-pane -p -t "${1:-top}"; }
# row N: line N of the pane (1 and 2 are the header)
row() { pane | sed -n "${1}p"; }
# mem NAME: the Mem Used column of NAME's row, in bytes (LXC's layout: name
# 18, three CPU columns of 13, BlkIO 37, then Mem 11 wide); 2 s at most for
# the row to be there.
mem() {
  local v
  for _ in $(seq 20); do
    v=$(pane | awk -v n="$1" 'substr($0, 1, 18) ~ "^" n " " {
      split(substr($0, 95, 11), f, " "); m = f[2] == "GiB" ? 2^30 : f[2] == "MiB" ? 2^20 : f[2] == "KiB" ? 1024 : 1
      printf "%d\n", f[1] * m }')
    [ -n "$v" ] && break
    sleep 0.1
  done
  echo "$v"
}
# run_top ARGS...: a cleared pane (so that an earlier table cannot be taken
# for this one), then lxc-top ARGS, echoing top-rc=STATUS when it ends.
run_top() {
  "${T[@]}" send-keys -t top "clear" Enter
  for _ in $(seq 50); do
    pane | grep -q TOTAL || break
    sleep 0.1
  done
  "${T[@]}" send-keys -t top "$BIN/lxc-top -P $lp $*; echo top-rc=\$?" Enter
}
# wait_row N PATTERN: until row N matches PATTERN, 5 s at most.
wait_row() {
  for _ in $(seq 50); do
    row "$1" | grep -q -- "$2" && return 0
    sleep 0.1
  done
  return 1
}

"${T[@]}" send-keys -t top "stty -a >$lp/stty.before" Enter
run_top -d 1
if wait_pane top "TOTAL 2 of 2"; then pass "a TOTAL line counts the two containers"; else
  fail_check "no TOTAL line: $(pane)"; fi
expect_contains "the screen is cleared: the header is on top" "Container" "$(row 1)"
expect_contains "second header line" "Total(Read/Write)" "$(row 2)"
expect_contains "sorted by name: $a first" "$a" "$(row 3)"
expect_contains "then $b" "$b" "$(row 4)"
expect_eq "the stopped container is not listed" "" "$(pane | grep top-stopped || true)"
tty=$("${T[@]}" display -p -t top '#{pane_tty}')
settings=$(stty -a -F "$tty")
if grep -qw -- -icanon <<<"$settings" && grep -qw -- -echo <<<"$settings"; then
  pass "stdin is non-canonical without echo while lxc-top runs"; else fail_check "terminal: $settings"; fi

before=$(mem "$b")
"$BIN/lxc-attach" -P "$lp" -n "$b" -- sh -c 'dd if=/dev/zero of=/fill bs=1M count=40 2>/dev/null'
for _ in $(seq 30); do
  after=$(mem "$b")
  [ -n "$after" ] && [ -n "$before" ] && [ "$after" -gt $((before + 30 * 1048576)) ] && break
  sleep 0.2
done
if [ -n "$after" ] && [ "$after" -gt $((before + 30 * 1048576)) ]; then
  pass "the memory hog shows in Mem Used ($before -> $after bytes)"; else
  fail_check "Mem Used of $b: $before -> $after: $(pane)"; fi
other=$(mem "$a")
if [ -n "$other" ] && [ "$after" -gt "$other" ]; then pass "$b uses more than $a"; else fail_check "$a: $other"; fi
expect_contains "Mem Used is in MiB" "MiB" "$(pane | grep "^$b")"

"${T[@]}" send-keys -t top m
if wait_row 3 "^$b "; then pass "m: largest memory first"; else fail_check "m: $(pane)"; fi
"${T[@]}" send-keys -t top m
if wait_row 3 "^$a "; then pass "m again: reversed"; else fail_check "m m: $(pane)"; fi
"${T[@]}" send-keys -t top n
if wait_row 3 "^$a "; then pass "n: by name"; else fail_check "n: $(pane)"; fi
"${T[@]}" send-keys -t top r
if wait_row 3 "^$b "; then pass "r: by name, reversed"; else fail_check "r: $(pane)"; fi

"${T[@]}" send-keys -t top q
if wait_pane top "top-rc=0"; then pass "q quits with status 0"; else fail_check "q: $(pane)"; fi
"${T[@]}" send-keys -t top "stty -a >$lp/stty.after" Enter
sleep 0.5
expect_eq "the terminal settings are back as they were" "$(cat "$lp/stty.before")" "$(cat "$lp/stty.after" 2>/dev/null)"

# Ctrl+C and SIGTERM: status 0 and the terminal put back too.
run_top -s m
wait_pane top "TOTAL 2 of 2" || fail_check "no second lxc-top"
expect_contains "-s m: largest memory first" "$b" "$(row 3)"
"${T[@]}" send-keys -t top C-c
if wait_pane top "top-rc=0"; then pass "Ctrl+C: status 0"; else fail_check "Ctrl+C: $(pane)"; fi
run_top -s m -r
wait_pane top "TOTAL 2 of 2" || fail_check "no third lxc-top"
expect_contains "-s m -r: smallest memory first" "$a" "$(row 3)"
shell=$("${T[@]}" display -p -t top '#{pane_pid}')
kill -TERM "$(pgrep -P "$shell")"
if wait_pane top "top-rc=0"; then pass "SIGTERM: status 0"; else fail_check "SIGTERM: $(pane)"; fi
"${T[@]}" send-keys -t top "stty -a >$lp/stty.after" Enter
sleep 0.5
expect_eq "the terminal is back after Ctrl+C and SIGTERM" "$(cat "$lp/stty.before")" "$(cat "$lp/stty.after")"

# A terminal of 4 lines leaves room for one container (rows - 3, as LXC).
"${T[@]}" new-session -d -s small -x 160 -y 4 "$BIN/lxc-top -P $lp -d 1"
if wait_pane small "TOTAL 1 of 2"; then pass "4 lines: one container and TOTAL 1 of 2"; else
  fail_check "small: $(pane small)"; fi
"${T[@]}" kill-session -t small

# -b: CSV lines, one per container, no header or TOTAL redrawn.
run_top -b -d 1
if wait_pane top "^[0-9]*,$b,"; then pass "-b prints a CSV line per container"; else fail_check "-b: $(pane)"; fi
expect_eq "-b: the CSV header" "time_ms,container,cpu_nanos,cpu_sys_userhz,cpu_user_userhz,blkio_bytes,blkio_iops,mem_used_bytes,memsw_used_bytes,kernel_mem_used_bytes" \
  "$(pane | grep '^time_ms')"
expect_eq "-b: no TOTAL" "" "$(pane | grep TOTAL || true)"
"${T[@]}" send-keys -t top C-c
if wait_pane top "top-rc=0"; then pass "-b: Ctrl+C, status 0"; else fail_check "-b Ctrl+C: $(pane)"; fi

for c in "$a" "$b"; do
  expect_rc "lxc-stop -k $c" 0 "$BIN/lxc-stop" -P "$lp" -n "$c" -k
  expect_nothing_left "$c" "$lp"
done
finish
