#!/usr/bin/env bash
# A monitor that has had nothing to do for two seconds drops its page-table
# entries for its code and constants (base/memory.h), and again after each
# later spell of work: its resident set shrinks, and everything it does
# afterwards still works, re-mapping the code it needs: state, freeze,
# attach, a graceful stop with its hooks, cleanup.
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"

lp=$(mktemp -d /tmp/lxcpp-test-mi-XXXXXX)
name=lxcpp-test-mi-$$
L=(-P "$lp" -n "$name")
trap 'remove_lxcpath "$lp"' EXIT

expect_rc "lxc-create -t busybox" 0 "$BIN/lxc-create" "${L[@]}" -t busybox
printf '#!/bin/sh\necho "$3" >>"%s/hooks.ran"\n' "$lp" >"$lp/hook.sh"
chmod +x "$lp/hook.sh"
printf 'lxc.hook.stop = %s/hook.sh\nlxc.hook.post-stop = %s/hook.sh\n' "$lp" "$lp" >>"$lp/$name/config"

expect_rc "lxc-start -d" 0 "$BIN/lxc-start" "${L[@]}" -d -l TRACE -o "$lp/monitor.log"
expect_rc "lxc-wait RUNNING" 0 "$BIN/lxc-wait" "${L[@]}" -s RUNNING -t 10
mon=$(pgrep -f "lxc-start ${L[*]} -d" | head -n1)
rss() { awk '/^Rss:/ {print $2}' "/proc/$mon/smaps_rollup"; }
before=$(rss)
for _ in $(seq 1 100); do
  grep -q "idle: dropping the code pages" "$lp/monitor.log" && break
  sleep 0.1
done
expect_contains "the monitor dropped its code pages once idle" "idle: dropping the code pages" "$(cat "$lp/monitor.log")"
after=$(rss)
echo "    (monitor Rss ${before} kB before, ${after} kB after)"
expect_eq "its resident set is smaller" yes "$([ "$after" -lt "$before" ] && echo yes)"

expect_eq "lxc-info -s" "State:          RUNNING" "$("$BIN/lxc-info" "${L[@]}" -s)"
expect_rc "lxc-freeze" 0 "$BIN/lxc-freeze" "${L[@]}"
expect_eq "frozen" "State:          FROZEN" "$("$BIN/lxc-info" "${L[@]}" -s)"
expect_rc "lxc-unfreeze" 0 "$BIN/lxc-unfreeze" "${L[@]}"
expect_eq "lxc-attach runs a command" "ok" "$("$BIN/lxc-attach" "${L[@]}" -- echo ok)"
# After those commands, the next idle spell drops the code they used again.
for _ in $(seq 1 100); do
  [ "$(grep -c "idle: dropping the code pages" "$lp/monitor.log")" -ge 2 ] && break
  sleep 0.1
done
expect_eq "dropped again after the commands" yes "$([ "$(grep -c "idle: dropping the code pages" "$lp/monitor.log")" -ge 2 ] && echo yes)"
expect_eq "lxc-info -s after that" "State:          RUNNING" "$("$BIN/lxc-info" "${L[@]}" -s)"
expect_rc "graceful lxc-stop" 0 "$BIN/lxc-stop" "${L[@]}" -t 20
expect_eq "the stop and post-stop hooks ran" "stop post-stop" "$(tr '\n' ' ' <"$lp/hooks.ran" | sed 's/ $//')"
expect_nothing_left "$name" "$lp"
finish
