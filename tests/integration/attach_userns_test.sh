#!/usr/bin/env bash
# lxc-attach to a root-made unprivileged container (lxc.idmap u/g 0 100000
# 65536, rootfs shifted as in userns_test.sh): the attached process is root
# inside and 100000 outside, -u maps too, and a pty works for the mapped root.
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"
[ -e /proc/self/uid_map ] || skip "the kernel has no user namespaces"
[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)" != 0 ] || skip "user namespaces are disabled"

lp=$(mktemp -d /tmp/lxcpp-test-at-XXXXXX)
chmod 755 "$lp"  # uid 100000 must be able to walk down to its rootfs
name=at-userns-$$
L=(-P "$lp" -n "$name")
A=("$BIN/lxc-attach" "${L[@]}")
trap 'remove_lxcpath "$lp"' EXIT

expect_rc "lxc-create -t busybox" 0 "$BIN/lxc-create" "${L[@]}" -t busybox
printf 'lxc.idmap = u 0 100000 65536\nlxc.idmap = g 0 100000 65536\n' >>"$lp/$name/config"
chmod 755 "$lp/$name"
shift_rootfs "$lp/$name/rootfs" 100000

expect_rc "lxc-start -d" 0 "$BIN/lxc-start" "${L[@]}" -d
expect_rc "lxc-wait -s RUNNING" 0 "$BIN/lxc-wait" "${L[@]}" -s RUNNING -t 10

expect_eq "root inside" "0 0" "$("${A[@]}" -- sh -c 'echo $(id -u) $(id -g)' 2>&1)"
expect_eq "the user namespace's map" "0 100000 65536" "$("${A[@]}" -- cat /proc/self/uid_map 2>&1 | xargs)"
expect_eq "exit status through the user namespace" 42 "$(rc=0; "${A[@]}" -- sh -c 'exit 42' || rc=$?; echo $rc)"

# The attached process seen from the host.
"${A[@]}" -- sleep 30 </dev/null >/dev/null 2>&1 &
attach_pid=$!
"${A[@]}" -u 1000 -g 1000 -- sleep 31 </dev/null >/dev/null 2>&1 &
attach_pid2=$!
for _ in $(seq 50); do
  p1=$(pgrep -x -f "sleep 30" | head -1) p2=$(pgrep -x -f "sleep 31" | head -1)
  [ -n "$p1" ] && [ -n "$p2" ] && break
  sleep 0.1
done
expect_eq "uid and gid on the host: 100000" "100000 100000" "$(ps -o uid=,gid= -p "${p1:-1}" | xargs)"
expect_eq "-u 1000 -g 1000 on the host: 101000" "101000 101000" "$(ps -o uid=,gid= -p "${p2:-1}" | xargs)"
kill "$attach_pid" "$attach_pid2" 2>/dev/null || true
wait "$attach_pid" "$attach_pid2" 2>/dev/null || true
expect_eq "SIGTERM to lxc-attach ended the command" "" "$(pgrep -x -f 'sleep 3[01]' || true)"

# A pty for the mapped root: its own terminal, owned by root inside.
if command -v script >/dev/null; then
  out=$(script -qec "${A[*]} -- sh -c 'stat -c %u:%a \$(tty); echo tty-ok'" /dev/null </dev/null 2>&1 | tr -d '\r')
  expect_contains "a pty that root inside owns" "0:620" "$out"
  expect_contains "and uses" "tty-ok" "$out"
fi

expect_rc "lxc-stop -k" 0 "$BIN/lxc-stop" "${L[@]}" -k
expect_nothing_left "$name" "$lp"
finish
