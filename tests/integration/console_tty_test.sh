#!/usr/bin/env bash
# lxc-console's ttys are taken one client each: a busy tty is refused with a
# clear error and is free again once its client left; without -t the first
# free tty is taken; -t 0 is /dev/console (proxied by the monitor, which
# still logs it); lxc.console.logfile with lxc.console.size and
# lxc.console.rotate; lxc-start -c TERMINAL and lxc.console.path put the
# console on that terminal (raw while it runs, as it was afterwards).
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"
command -v tmux >/dev/null || skip "tmux is not installed"

lp=$(mktemp -d /tmp/lxcpp-test-at-XXXXXX)
name=at-con-$$
L=(-P "$lp" -n "$name")
T=(tmux -S "$lp/tmux.sock")
trap '"${T[@]}" kill-server >/dev/null 2>&1 || true; remove_lxcpath "$lp"' EXIT


expect_rc "lxc-create -t busybox" 0 "$BIN/lxc-create" "${L[@]}" -t busybox
expect_eq "the template runs a getty on tty1" 1 "$(grep -c '^tty1::respawn:/bin/getty' "$lp/$name/rootfs/etc/inittab")"
cat >>"$lp/$name/config" <<EOF
lxc.tty.max = 2
lxc.console.logfile = $lp/console.log
lxc.console.size = 4096
lxc.console.rotate = 1
lxc.console.buffer.size = 4096
EOF
expect_rc "lxc-start -d" 0 "$BIN/lxc-start" "${L[@]}" -d
expect_rc "lxc-wait -s RUNNING" 0 "$BIN/lxc-wait" "${L[@]}" -s RUNNING -t 10

"${T[@]}" new-session -d -s one -x 100 -y 30 "bash --norc --noprofile"
"${T[@]}" new-session -d -s two -x 100 -y 30 "bash --norc --noprofile"
"${T[@]}" send-keys -t one "$BIN/lxc-console ${L[*]} -t 1; echo one-rc=\$?" Enter
wait_pane one "Connected to tty 1" || fail_check "no console on tty 1"

rc=0; err=$("$BIN/lxc-console" "${L[@]}" -t 1 </dev/null 2>&1) || rc=$?
expect_eq "a busy tty is refused" 1 "$rc"
expect_contains "and says so" "tty 1 is in use by another lxc-console" "$err"
# Without -t: the first free one.
"${T[@]}" send-keys -t two "$BIN/lxc-console ${L[*]}; echo two-rc=\$?" Enter
if wait_pane two "Connected to tty 2"; then pass "without -t the first free tty (2)"; else fail_check "no tty 2"; fi
rc=0; err=$("$BIN/lxc-console" "${L[@]}" </dev/null 2>&1) || rc=$?
expect_eq "no free tty left" 1 "$rc"
expect_contains "and says so" "all ttys are busy" "$err"
rc=0; err=$("$BIN/lxc-console" "${L[@]}" -t 3 </dev/null 2>&1) || rc=$?
expect_eq "tty 3 is out of range (lxc.tty.max = 2)" 1 "$rc"
expect_contains "and says so" "tty 3 does not exist" "$err"

"${T[@]}" send-keys -t one C-a q
if wait_pane one "one-rc=0"; then pass "<Ctrl+a q> leaves tty 1"; else fail_check "still on tty 1"; fi
"${T[@]}" send-keys -t one "clear; $BIN/lxc-console ${L[*]} -t 1; echo one-rc=\$?" Enter
if wait_pane one "Connected to tty 1"; then pass "tty 1 is free again after its client left"; else
  fail_check "tty 1 still busy: $("${T[@]}" capture-pane -p -t one)"; fi
"${T[@]}" send-keys -t one C-a q
wait_pane one "one-rc=0" || true
# A client that dies frees its tty too.
pkill -KILL -f "lxc-console ${L[*]}\$" || true
sleep 0.3
rc=0; timeout 5 "$BIN/lxc-console" "${L[@]}" -t 2 </dev/null >/dev/null 2>&1 || rc=$?
expect_eq "tty 2 free after its client was killed" 0 "$rc"

# -t 0: the console, where busybox init asks for Enter to start a shell.
"${T[@]}" send-keys -t one "clear; $BIN/lxc-console ${L[*]} -t 0; echo zero-rc=\$?" Enter
wait_pane one "Connected to tty 0" || fail_check "no console 0"
sleep 0.3
"${T[@]}" send-keys -t one Enter
sleep 0.5
"${T[@]}" send-keys -t one "echo con''sole-says-hi" Enter
if wait_pane one "^console-says-hi"; then pass "-t 0: a shell on /dev/console answers"; else
  fail_check "-t 0: $("${T[@]}" capture-pane -p -t one)"; fi
rc=0; err=$("$BIN/lxc-console" "${L[@]}" -t 0 </dev/null 2>&1) || rc=$?
expect_eq "the console is busy too" 1 "$rc"
"${T[@]}" send-keys -t one C-a q
if wait_pane one "zero-rc=0"; then pass "<Ctrl+a q> leaves the console"; else fail_check "still on the console"; fi
expect_contains "the console log has what the console showed" "console-says-hi" "$(cat "$lp"/console.log* 2>/dev/null)"

# Size and rotation: 20 KiB of console output through a 4 KiB log.
"$BIN/lxc-attach" "${L[@]}" -- sh -c 'i=0; while [ $i -lt 400 ]; do echo "line $i of console output padding padding"; i=$((i+1)); done >/dev/console'
sleep 0.5
size=$(stat -c %s "$lp/console.log")
if [ "$size" -le 4096 ]; then pass "lxc.console.size bounds the log ($size bytes)"; else fail_check "log is $size bytes"; fi
if [ -s "$lp/console.log.1" ] && [ "$(stat -c %s "$lp/console.log.1")" -le 4096 ]; then
  pass "lxc.console.rotate keeps the previous log as console.log.1"; else fail_check "no console.log.1"; fi
expect_contains "the newest output is in the log" "line 399 of console output" "$(cat "$lp/console.log")"

# A client is there when the container stops: it ends too.
"${T[@]}" send-keys -t two "clear; $BIN/lxc-console ${L[*]} -t 1; echo last-rc=\$?" Enter
wait_pane two "Connected to tty 1" || fail_check "no console on tty 1"
expect_rc "lxc-stop -k" 0 "$BIN/lxc-stop" "${L[@]}" -k
if wait_pane two "last-rc=0"; then pass "lxc-console ends with the container"; else fail_check "still attached"; fi
expect_eq "no lxc-console left" "" "$(pgrep -f "lxc-console ${L[*]}" || true)"

# lxc-start -c: the console on another terminal (a pane that only sleeps).
"${T[@]}" new-session -d -s dev -x 100 -y 30 "sleep 600"
tty=$("${T[@]}" display -p -t dev '#{pane_tty}')
sleep 0.5  # tmux finishes setting up the pane's terminal (IUTF8) after it starts
before=$(stty -g -F "$tty")
expect_rc "lxc-start -c $tty" 0 "$BIN/lxc-start" "${L[@]}" -d -c "$tty"
if wait_pane dev "Please press Enter to activate this console"; then pass "-c: the console shows on $tty"; else
  fail_check "-c: $("${T[@]}" capture-pane -p -t dev)"; fi
expect_eq "-c: the terminal is raw while the container runs" "yes" \
  "$([ "$(stty -g -F "$tty")" != "$before" ] && echo yes || echo no)"
"${T[@]}" send-keys -t dev Enter
sleep 0.5
"${T[@]}" send-keys -t dev "echo typed-on-dev > /dev-marker" Enter
for _ in $(seq 30); do [ -s "$lp/$name/rootfs/dev-marker" ] && break; sleep 0.1; done
expect_eq "-c: what is typed there reaches the console's shell" "typed-on-dev" "$(cat "$lp/$name/rootfs/dev-marker" 2>/dev/null)"
expect_rc "lxc-stop -k" 0 "$BIN/lxc-stop" "${L[@]}" -k
expect_eq "-c: the terminal's settings are back" "$before" "$(stty -g -F "$tty")"
# The same from the config; a path that is no terminal fails the start.
echo "lxc.console.path = $tty" >>"$lp/$name/config"
expect_rc "lxc.console.path = $tty" 0 "$BIN/lxc-start" "${L[@]}" -d
expect_rc "lxc-stop -k" 0 "$BIN/lxc-stop" "${L[@]}" -k
sed -i "s|^lxc.console.path = .*|lxc.console.path = /etc/hostname|" "$lp/$name/config"
rc=0; err=$("$BIN/lxc-start" "${L[@]}" -d 2>&1) || rc=$?
expect_eq "lxc.console.path = a file: the start fails" 1 "$rc"
expect_contains "... naming the key" "lxc.console.path = /etc/hostname: not a terminal" "$err"
rc=0; err=$("$BIN/lxc-start" "${L[@]}" -d -c /no/such/tty 2>&1) || rc=$?
expect_eq "-c with a missing path: the start fails" 1 "$rc"
expect_contains "... naming it" "-c /no/such/tty" "$err"
expect_nothing_left "$name" "$lp"
finish
