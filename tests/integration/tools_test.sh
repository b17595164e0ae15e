#!/usr/bin/env bash
# lxc-cgroup and lxc-monitor on a running busybox container.
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"

lp=$(mktemp -d /tmp/lxcpp-test-tl-XXXXXX)
name=lxcpp-test-tl-$$
L=(-P "$lp" -n "$name")
mon_pid=
cleanup() {
  [ -n "$mon_pid" ] && kill "$mon_pid" 2>/dev/null && wait "$mon_pid" 2>/dev/null
  for c in $(ls "$lp" 2>/dev/null); do
    "$BIN/lxc-stop" -P "$lp" -n "$c" -k >/dev/null 2>&1 || true
    "$BIN/lxc-destroy" -P "$lp" -n "$c" >/dev/null 2>&1 || true
  done
  rm -rf "$lp"
}
trap cleanup EXIT

expect_rc "lxc-create -t busybox" 0 "$BIN/lxc-create" "${L[@]}" -t busybox

# Not running yet: lxc-cgroup fails and says so.
rc=0; err=$("$BIN/lxc-cgroup" "${L[@]}" pids.max 2>&1) || rc=$?
expect_eq "lxc-cgroup on a stopped container" 1 "$rc"
expect_contains "lxc-cgroup says it is not running" "is not running" "$err"
rc=0; err=$("$BIN/lxc-cgroup" "${L[@]}" 2>&1) || rc=$?
expect_eq "lxc-cgroup without a state object" 1 "$rc"
expect_contains "lxc-cgroup names the missing state object" "Missing state object" "$err"

# lxc-monitor, started before the container, sees it start and stop.
"$BIN/lxc-monitor" -P "$lp" -n "lxcpp-test-tl-.*" >"$lp/monitor.out" 2>&1 &
mon_pid=$!
"$BIN/lxc-monitor" -P "$lp" -n "nomatch" >"$lp/monitor2.out" 2>&1 &
mon2_pid=$!
sleep 0.3

expect_rc "lxc-start -d" 0 "$BIN/lxc-start" "${L[@]}" -d
expect_rc "lxc-wait -s RUNNING" 0 "$BIN/lxc-wait" "${L[@]}" -s RUNNING -t 10

# A limit written and read back; a v1 or a cgroup2 host.
if [ -d /sys/fs/cgroup/memory ]; then mem_key=memory.limit_in_bytes; else mem_key=memory.max; fi
expect_rc "lxc-cgroup $mem_key 67108864" 0 "$BIN/lxc-cgroup" "${L[@]}" "$mem_key" 67108864
expect_eq "lxc-cgroup reads $mem_key back" 67108864 "$("$BIN/lxc-cgroup" "${L[@]}" "$mem_key")"
rc=0; out=$("$BIN/lxc-cgroup" "${L[@]}" pids.max) || rc=$?
expect_eq "lxc-cgroup pids.max (exit status)" 0 "$rc"
if [[ "$out" =~ ^(max|[0-9]+)$ ]]; then pass "lxc-cgroup pids.max gives a value ($out)"; else fail_check "pids.max: [$out]"; fi
expect_rc "lxc-cgroup pids.max 100" 0 "$BIN/lxc-cgroup" "${L[@]}" pids.max 100
expect_eq "pids.max read back" 100 "$("$BIN/lxc-cgroup" "${L[@]}" pids.max)"
rc=0; err=$("$BIN/lxc-cgroup" "${L[@]}" no.such.key 2>&1) || rc=$?
expect_eq "lxc-cgroup of a bad key" 1 "$rc"
expect_contains "lxc-cgroup says it could not read the bad key" "Failed to retrieve value of 'no.such.key'" "$err"
rc=0; err=$("$BIN/lxc-cgroup" "${L[@]}" pids.max notanumber 2>&1) || rc=$?
expect_eq "lxc-cgroup of a bad value" 1 "$rc"
expect_contains "lxc-cgroup says it could not assign" "Failed to assign 'notanumber' value to 'pids.max'" "$err"

# lxc-monitor started while it runs prints nothing for the state it finds.
"$BIN/lxc-monitor" -P "$lp" -n "$name" >"$lp/monitor3.out" 2>&1 &
mon3_pid=$!
sleep 0.3

expect_rc "lxc-stop -k" 0 "$BIN/lxc-stop" "${L[@]}" -k
expect_rc "lxc-wait -s STOPPED" 0 "$BIN/lxc-wait" "${L[@]}" -s STOPPED -t 10
sleep 0.5
kill "$mon_pid" "$mon2_pid" "$mon3_pid" 2>/dev/null || true
wait "$mon_pid" "$mon2_pid" "$mon3_pid" 2>/dev/null || true
mon_pid=
mon_out=$(cat "$lp/monitor.out")
expect_contains "lxc-monitor sees RUNNING" "'$name' changed state to [RUNNING]" "$mon_out"
expect_contains "lxc-monitor sees STOPPING" "'$name' changed state to [STOPPING]" "$mon_out"
expect_contains "lxc-monitor sees STOPPED" "'$name' changed state to [STOPPED]" "$mon_out"
order=$(grep -o 'STARTING\|RUNNING\|STOPPING\|STOPPED' <<<"$mon_out" | uniq | tr '\n' ' ')
expect_eq "lxc-monitor's order" "STARTING RUNNING STOPPING STOPPED " "$order"
expect_eq "lxc-monitor ignores names that do not match" "" "$(cat "$lp/monitor2.out")"
mon3_out=$(cat "$lp/monitor3.out")
expect_eq "lxc-monitor started later: only the changes" "'$name' changed state to [STOPPING]
'$name' exited with status [0]
'$name' changed state to [STOPPED]" "$mon3_out"

# A container whose whole life is shorter than any polling period is seen
# too: each monitor tells the listening lxc-monitors as it goes.
"$BIN/lxc-monitor" -P "$lp/" -n "$name" >"$lp/monitor4.out" 2>&1 &
mon4_pid=$!
sleep 0.3
rc=0; "$BIN/lxc-execute" "${L[@]}" -- sh -c 'exit 3' || rc=$?
expect_eq "lxc-execute (exit status)" 3 "$rc"
sleep 0.2
kill "$mon4_pid"; wait "$mon4_pid" 2>/dev/null || true
expect_eq "lxc-monitor (lxcpath spelled with a slash) saw all of a short run" "'$name' changed state to [STARTING]
'$name' changed state to [RUNNING]
'$name' exited with status [3]
'$name' changed state to [STOPPING]
'$name' changed state to [STOPPED]" "$(cat "$lp/monitor4.out")"
expect_eq "and removed its socket when it ended" "" "$(ls /run/lxcpp/monitor/*/"$mon4_pid" 2>/dev/null || true)"

expect_rc "lxc-monitor -Q" 0 "$BIN/lxc-monitor" -P "$lp" -Q
rc=0; err=$("$BIN/lxc-monitor" -P "$lp" -n "(" 2>&1) || rc=$?
expect_eq "lxc-monitor with a bad regex" 1 "$rc"
expect_contains "lxc-monitor names the bad regex" "Failed to compile the regex" "$err"

expect_rc "lxc-cgroup after the stop" 1 "$BIN/lxc-cgroup" "${L[@]}" pids.max

# -o: the directories up to the log file are made; a file that cannot be
# opened ends the command with status 1 (as LXC's tools), -q or not.
expect_rc "lxc-info -o in a new directory" 0 "$BIN/lxc-info" "${L[@]}" -s -o "$lp/logs/sub/info.log" -l INFO
expect_eq "... the log file is there" yes "$([ -f "$lp/logs/sub/info.log" ] && echo yes || echo no)"
rc=0; err=$("$BIN/lxc-info" "${L[@]}" -s -o /proc/no/such.log 2>&1) || rc=$?
expect_eq "lxc-info -o with an unwritable path" 1 "$rc"
expect_contains "... says why" "cannot open log file /proc/no/such.log" "$err"
expect_rc "lxc-ls -q -o with an unwritable path" 1 "$BIN/lxc-ls" -P "$lp" -q -o /proc/no/such.log
finish
