#!/usr/bin/env bash
# lxc-console in a tmux pane: the getty on tty1 answers, <Ctrl+a q> detaches
# and the terminal is back in cooked mode; the errors of a bad tty.
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"
command -v tmux >/dev/null || skip "tmux is not installed"

lp=$(mktemp -d /tmp/lxcpp-test-tl-XXXXXX)
name=lxcpp-test-tl-con-$$
L=(-P "$lp" -n "$name")
sock="$lp/tmux.sock"
T=(tmux -S "$sock")
cleanup() {
  "${T[@]}" kill-server >/dev/null 2>&1 || true
  for c in $(ls "$lp" 2>/dev/null); do
    "$BIN/lxc-stop" -P "$lp" -n "$c" -k >/dev/null 2>&1 || true
    "$BIN/lxc-destroy" -P "$lp" -n "$c" >/dev/null 2>&1 || true
  done
  rm -rf "$lp"
}
trap cleanup EXIT

# wait_pane PATTERN: until the pane shows PATTERN (10 s at most).
wait_pane() {
  for _ in $(seq 100); do
    "${T[@]}" capture-pane -p -t con 2>/dev/null | grep -q -- "$1" && return 0
    sleep 0.1
  done
  return 1
}

expect_rc "lxc-create -t busybox" 0 "$BIN/lxc-create" "${L[@]}" -t busybox
grep -q '^tty1:.*getty' "$lp/$name/rootfs/etc/inittab" || skip "the template runs no getty on tty1"

rc=0; err=$("$BIN/lxc-console" "${L[@]}" -t 1 </dev/null 2>&1) || rc=$?
expect_eq "lxc-console on a stopped container" 1 "$rc"
expect_contains "lxc-console says it is not running" "$name is not running" "$err"

expect_rc "lxc-start -d" 0 "$BIN/lxc-start" "${L[@]}" -d
expect_rc "lxc-wait -s RUNNING" 0 "$BIN/lxc-wait" "${L[@]}" -s RUNNING -t 10

rc=0; err=$("$BIN/lxc-console" "${L[@]}" -t 99 </dev/null 2>&1) || rc=$?
expect_eq "lxc-console -t 99 (out of range)" 1 "$rc"
expect_contains "lxc-console names the tty" "tty 99" "$err"
rc=0; "$BIN/lxc-console" "${L[@]}" -e '^1' </dev/null >/dev/null 2>&1 || rc=$?
expect_eq "lxc-console -e with a bad escape" 1 "$rc"

# A shell in tmux runs lxc-console; afterwards stty shows the restored mode.
"${T[@]}" new-session -d -s con -x 120 -y 40 "bash --norc --noprofile"
"${T[@]}" send-keys -t con "stty -a > $lp/stty.before; $BIN/lxc-console ${L[*]} -t 1; echo console-rc=\$?; stty -a > $lp/stty.after" Enter
if wait_pane "Connected to tty 1"; then pass "banner: Connected to tty 1"; else fail_check "no banner"; fi
expect_contains "banner: how to exit" "Type <Ctrl+a q> to exit the console, <Ctrl+a Ctrl+a> to enter Ctrl+a itself" \
  "$("${T[@]}" capture-pane -p -J -t con)"
sleep 0.5
"${T[@]}" send-keys -t con Enter
if wait_pane "login:"; then pass "getty on tty1 answers with a login prompt"; else
  fail_check "no login prompt: $("${T[@]}" capture-pane -p -t con)"; fi
"${T[@]}" send-keys -t con C-a q
if wait_pane "console-rc=0"; then pass "<Ctrl+a q> detaches, exit status 0"; else
  fail_check "still attached: $("${T[@]}" capture-pane -p -t con)"; fi
for _ in $(seq 50); do [ -s "$lp/stty.after" ] && break; sleep 0.1; done
after=$(cat "$lp/stty.after" 2>/dev/null)
expect_contains "terminal restored: icanon" " icanon" "$after"
expect_contains "terminal restored: echo" " echo " "$after"
expect_eq "terminal modes as before" "$(cat "$lp/stty.before")" "$after"

# -e ^b: Ctrl+a goes through, <Ctrl+b q> detaches; a shell tty echoes input.
"${T[@]}" send-keys -t con "clear; $BIN/lxc-console ${L[*]} -t 1 -e ^b; echo console2-rc=\$?" Enter
if wait_pane "Type <Ctrl+b q>"; then pass "banner with -e ^b"; else fail_check "no -e ^b banner"; fi
sleep 0.3
"${T[@]}" send-keys -t con C-a q
sleep 0.3
if "${T[@]}" capture-pane -p -t con | grep -q "console2-rc="; then fail_check "<Ctrl+a q> detached with -e ^b"; else
  pass "<Ctrl+a q> does not detach with -e ^b"; fi
"${T[@]}" send-keys -t con C-b q
if wait_pane "console2-rc=0"; then pass "<Ctrl+b q> detaches"; else fail_check "-e ^b: still attached"; fi

# The container stopping ends lxc-console too.
"${T[@]}" send-keys -t con "clear; $BIN/lxc-console ${L[*]} -t 2; echo console3-rc=\$?" Enter
wait_pane "Connected to tty 2" || true
expect_rc "lxc-stop -k" 0 "$BIN/lxc-stop" "${L[@]}" -k
if wait_pane "console3-rc=0"; then pass "lxc-console ends when the container stops"; else
  fail_check "lxc-console outlived the container: $("${T[@]}" capture-pane -p -t con)"; fi
finish
