#!/bin/bash
# lxc-autostart: which containers (lxc.start.auto, lxc.group, -a, -A, -g), in
# which order (lxc.start.order, then the name; reversed for -s and -k), -L
# listing with lxc.start.delay, starting with the delay honoured, -s with -t
# killing a container that ignores its halt signal, -k, -r, exit statuses.
# The expectations come from running LXC 5.0.2's lxc-autostart on the same
# layout by hand (never in this suite).
source "$(dirname "$0")/lib.sh"
need_root

P=$(mktemp -d /tmp/lxcpp-autostart-XXXXXX)
trap 'remove_lxcpath "$P"' EXIT
A() { "$BIN/lxc-autostart" -P "$P" "$@"; }
state() { "$BIN/lxc-info" -P "$P" -n "$1" -s -H | awk '{print $NF}'; }

"$BIN/lxc-create" -P "$P" -n a1 -t busybox >/dev/null 2>&1 || { echo "FAIL lxc-create"; exit 1; }
for n in a2 bad bad2 c0; do "$BIN/lxc-copy" -P "$P" -n a1 -N "$n" >/dev/null; done
for n in a1 a2 bad bad2 c0; do
  printf 'lxc.net.0.type = empty\nlxc.start.auto = 1\n' >>"$P/$n/config"
done
sed -i '/lxc.start.auto/d' "$P/c0/config"
printf 'lxc.start.order = 5\n' >>"$P/a1/config"
printf 'lxc.start.order = 1\nlxc.start.delay = 1\nlxc.group = web\nlxc.group = onboot\n' >>"$P/a2/config"
for b in bad bad2; do echo "lxc.rootfs.path = dir:/nonexistent" >>"$P/$b/config"; done

# ---- selection and order (-L)
expect_eq "-L: the NULL group, by order then name" "bad 0,bad2 0,a1 0" "$(A -L | paste -sd,)"
expect_eq "-L -a: every group, a2 (order 1) before a1 (order 5)" "bad 0,bad2 0,a2 1,a1 0" "$(A -L -a | paste -sd,)"
expect_eq "-L -g web,: web first, then the NULL group" "a2 1,bad 0,bad2 0,a1 0" "$(A -L -g web, | paste -sd,)"
expect_eq "-g web -g '': the same as web," "$(A -L -g web,)" "$(A -L -g web -g '')"
expect_eq "-L -g onboot: only that group" "a2 1" "$(A -L -g onboot)"
expect_eq "-L -A: lxc.start.auto ignored (c0 too)" "bad 0,bad2 0,c0 0,a1 0" "$(A -L -A | paste -sd,)"
expect_eq "-L -s: nothing runs, nothing to shut down" "" "$(A -L -s -a)"
expect_rc "-L changes nothing" 0 A -L -a
expect_eq "... a1 still stopped" STOPPED "$(state a1)"

# ---- start: order, delay, failures
t0=$(date +%s%N)
rc=0
out=$(A -a 2>&1) || rc=$?
t1=$(date +%s%N)
expect_eq "start -a with two broken containers exits 2 (as LXC)" 2 "$rc"
expect_contains "the failed one is named with the cause" "bad: start: lxc.rootfs.path" "$out"
expect_eq "a1 running" RUNNING "$(state a1)"
expect_eq "a2 running" RUNNING "$(state a2)"
expect_eq "c0 (no lxc.start.auto) not started" STOPPED "$(state c0)"
if (((t1 - t0) / 1000000 >= 1000)); then pass "lxc.start.delay = 1 of a2 waited ($(((t1 - t0) / 1000000)) ms)"; else
  fail_check "lxc.start.delay = 1 of a2 not honoured ($(((t1 - t0) / 1000000)) ms)"; fi
expect_eq "-L -s -a: running ones, last started first" "a1,a2" "$(A -L -s -a | paste -sd,)"
expect_eq "-L -k -a: the same order" "a1,a2" "$(A -L -k -a | paste -sd,)"
expect_eq "-L -r -a: running ones in start order with delays" "a2 1,a1 0" "$(A -L -r -a | paste -sd,)"
expect_eq "start again: nothing left to start but the broken (exit 2)" 2 "$(A -g '' -g web >/dev/null 2>&1; echo $?)"

# ---- reboot
pid_before=$("$BIN/lxc-info" -P "$P" -n a2 -p -H | awk '{print $NF}')
expect_rc "-r -g onboot" 0 A -r -g onboot
for _ in $(seq 100); do
  pid_now=$("$BIN/lxc-info" -P "$P" -n a2 -p -H 2>/dev/null | awk '{print $NF}')
  [ -n "$pid_now" ] && [ "$pid_now" != "$pid_before" ] && break
  sleep 0.1
done
if [ -n "$pid_now" ] && [ "$pid_now" != "$pid_before" ]; then pass "a2 rebooted (init $pid_before -> $pid_now)"; else
  fail_check "a2 did not reboot (init still $pid_before)"; fi
"$BIN/lxc-wait" -P "$P" -n a2 -s RUNNING -t 10 >/dev/null

# ---- shutdown with a timeout: a1 ignores its halt signal and is killed after -t
echo "lxc.signal.halt = SIGCONT" >>"$P/a1/config"
t0=$(date +%s)
expect_rc "-s -t 2 -a" 0 A -s -t 2 -a
t1=$(date +%s)
expect_eq "a1 (halt signal ignored) killed after the timeout" STOPPED "$(state a1)"
expect_eq "a2 shut down cleanly" STOPPED "$(state a2)"
if ((t1 - t0 >= 2 && t1 - t0 < 30)); then pass "-t 2 waited for a1 before the kill ($((t1 - t0)) s for both)"; else
  fail_check "-t 2 took $((t1 - t0)) s"; fi

# ---- kill
A -g onboot >/dev/null 2>&1
expect_eq "-g onboot starts a2 alone" "RUNNING STOPPED" "$(state a2) $(state a1)"
expect_rc "-k -a" 0 A -k -a
expect_eq "a2 killed" STOPPED "$(state a2)"

# ---- bad input
expect_rc "unknown option" 1 A --bogus
expect_rc "bad timeout" 1 A -t x -L
rc=0
err=$("$BIN/lxc-autostart" -P "$P/none" -L 2>&1) || rc=$?
expect_eq "an lxcpath that does not exist: exit 1" 1 "$rc"
expect_contains "... and says why" "$P/none" "$err"
expect_contains "lxc-ls -f shows both groups as LXC does" "web, onboot" "$("$BIN/lxc-ls" -P "$P" -f)"

expect_nothing_left a1 "$P"
finish
