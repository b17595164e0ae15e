#!/usr/bin/env bash
# lxc-attach on a terminal, as a person uses it in tmux: a shell with a pty
# of the container's devpts, its size following the pane, `exit` back to a
# terminal in the same mode; -L logs the pty; 100 attaches of hostname with
# stdin, stdout and stderr on the pane's pty.
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"
command -v tmux >/dev/null || skip "tmux is not installed"

lp=$(mktemp -d /tmp/lxcpp-test-at-XXXXXX)
name=at-tty-$$
L=(-P "$lp" -n "$name")
T=(tmux -S "$lp/tmux.sock")
trap '"${T[@]}" kill-server >/dev/null 2>&1 || true; remove_lxcpath "$lp"' EXIT

pane() { "${T[@]}" capture-pane -p -t at; }

expect_rc "lxc-create -t busybox" 0 "$BIN/lxc-create" "${L[@]}" -t busybox
expect_rc "lxc-start -d" 0 "$BIN/lxc-start" "${L[@]}" -d
expect_rc "lxc-wait -s RUNNING" 0 "$BIN/lxc-wait" "${L[@]}" -s RUNNING -t 10

"${T[@]}" new-session -d -s at -x 100 -y 30 "bash --norc --noprofile"
"${T[@]}" send-keys -t at "PS1='host\$ '; clear" Enter
wait_pane at 'host\$' || true

# A shell: no command given.
"${T[@]}" send-keys -t at "stty -a >$lp/stty.before; $BIN/lxc-attach ${L[*]} -L $lp/pty.log; echo attach-rc=\$?; stty -a >$lp/stty.after" Enter
if wait_pane at "built-in shell"; then pass "lxc-attach without a command starts a shell"; else fail_check "no shell: $(pane)"; fi
"${T[@]}" send-keys -t at "echo size=\$(stty size) tty=\$(tty) host=\$(hostname)" Enter
if wait_pane at "size=30 100 tty=/dev/pts/"; then pass "the pty has the pane's size and is the container's"; else
  fail_check "size or tty: $(pane)"; fi
expect_contains "the host name inside" "host=$name" "$(pane)"
"${T[@]}" resize-window -t at -x 80 -y 20
sleep 0.3
"${T[@]}" send-keys -t at "echo resized=\$(stty size)" Enter
if wait_pane at "resized=20 80"; then pass "resizing the pane resizes the pty"; else fail_check "no resize: $(pane)"; fi
# Ctrl-C reaches the command, not lxc-attach.
"${T[@]}" send-keys -t at "sleep 30" Enter
sleep 0.3
"${T[@]}" send-keys -t at C-c
"${T[@]}" send-keys -t at "echo after-ctrl-c" Enter
if wait_pane at "^after-ctrl-c"; then pass "Ctrl-C interrupts the command inside"; else fail_check "Ctrl-C: $(pane)"; fi
"${T[@]}" send-keys -t at "exit 3" Enter
if wait_pane at "attach-rc=3"; then pass "exit leaves, with the shell's status"; else fail_check "no exit: $(pane)"; fi
for _ in $(seq 50); do [ -s "$lp/stty.after" ] && break; sleep 0.1; done
# The size changed on purpose; every mode must be back.
expect_eq "terminal modes as before" "$(sed 's/rows [0-9]*; columns [0-9]*;//' "$lp/stty.before")" \
  "$(sed 's/rows [0-9]*; columns [0-9]*;//' "$lp/stty.after")"
expect_contains "-L logged the pty's output" "resized=20 80" "$(cat "$lp/pty.log" 2>/dev/null)"

# A signal to lxc-attach reaches the command and the terminal is restored.
"${T[@]}" send-keys -t at "clear; stty -a >$lp/stty.before2; $BIN/lxc-attach ${L[*]} -- sleep 60; echo sig-rc=\$?; stty -a >$lp/stty.after2" Enter
sleep 1
pkill -TERM -f "lxc-attach ${L[*]} -- sleep 60" || true
if wait_pane at "sig-rc=143"; then pass "SIGTERM to lxc-attach ends the command (143)"; else fail_check "SIGTERM: $(pane)"; fi
for _ in $(seq 50); do [ -s "$lp/stty.after2" ] && break; sleep 0.1; done
expect_eq "terminal restored after a signal" "$(cat "$lp/stty.before2")" "$(cat "$lp/stty.after2" 2>/dev/null)"

# 100 attaches with stdin, stdout and stderr on the pane's pty; the pane's
# output is logged by tmux.
"${T[@]}" send-keys -t at "clear" Enter
"${T[@]}" pipe-pane -t at -o "cat >$lp/pane.log"
"${T[@]}" send-keys -t at "for i in \$(seq 100); do $BIN/lxc-attach ${L[*]} -- hostname || echo FAILED; done; echo loop-done" Enter
for _ in $(seq 600); do grep -q "^loop-done" "$lp/pane.log" 2>/dev/null && break; sleep 0.1; done
"${T[@]}" pipe-pane -t at
# Lines as shown: without carriage returns and the shell's escape sequences.
shown=$(tr -d '\r' <"$lp/pane.log" | sed 's/\x1b\[[?0-9;]*[a-zA-Z]//g')
expect_eq "100 attaches on a pty each print the name" 100 "$(grep -cx "$name" <<<"$shown")"
expect_eq "no attach failed" 0 "$(grep -cx FAILED <<<"$shown" || true)"

expect_rc "lxc-stop -k" 0 "$BIN/lxc-stop" "${L[@]}" -k
expect_eq "no lxc-attach left" "" "$(pgrep -f "lxc-attach ${L[*]}" || true)"
expect_nothing_left "$name" "$lp"
finish
