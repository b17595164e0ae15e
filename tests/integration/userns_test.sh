#!/usr/bin/env bash
# A root-made unprivileged container: a busybox container whose ids are
# mapped to 100000-165535 on the host, with its rootfs shifted to match.
# Root inside is uid 100000 outside, and has no power over host devices.
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"
[ -e /proc/self/uid_map ] || skip "the kernel has no user namespaces"
if [ -r /proc/sys/kernel/unprivileged_userns_clone ] || [ -r /proc/sys/user/max_user_namespaces ]; then
  [ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)" != 0 ] || skip "user namespaces are disabled"
fi

lp=$(mktemp -d /tmp/lxcpp-test-un-XXXXXX)
# uid 100000 must be able to walk down to its rootfs.
chmod 755 "$lp"
name=lxcpp-test-un-$$
L=(-P "$lp" -n "$name")
trap 'remove_lxcpath "$lp"' EXIT

expect_rc "lxc-create -t busybox" 0 "$BIN/lxc-create" "${L[@]}" -t busybox
cfg="$lp/$name/config"
rootfs="$lp/$name/rootfs"
cat >>"$cfg" <<'EOF'
lxc.idmap = u 0 100000 65536
lxc.idmap = g 0 100000 65536
EOF
chmod 755 "$lp/$name"

shift_rootfs "$rootfs" 100000
expect_eq "rootfs shifted" "100000:100000" "$(stat -c %u:%g "$rootfs/bin")"

# lxc-execute: root inside.
rc=0; out=$("$BIN/lxc-execute" "${L[@]}" -- id -u 2>&1) || rc=$?
expect_eq "lxc-execute exit status" 0 "$rc"
expect_eq "lxc-execute: id -u inside" 0 "$out"
out=$("$BIN/lxc-execute" "${L[@]}" -- cat /proc/self/uid_map 2>&1 || true)
expect_eq "lxc-execute: the uid map" "0 100000 65536" "$(echo $out)"

# A block device cannot be made, even by root inside.
rc=0; out=$("$BIN/lxc-execute" "${L[@]}" -- mknod /tmp/b b 8 0 2>&1) || rc=$?
if [ "$rc" != 0 ]; then pass "mknod of a block device fails"; else fail_check "mknod of a block device fails"; fi
expect_contains "mknod fails with EPERM" "not permitted" "$out"

# lxc-start -d: init runs as 100000 on the host.
rc=0; err=$("$BIN/lxc-start" "${L[@]}" -d 2>&1) || rc=$?
expect_eq "lxc-start -d" 0 "$rc"
[ "$rc" = 0 ] || echo "$err"
expect_rc "lxc-wait -s RUNNING" 0 "$BIN/lxc-wait" "${L[@]}" -s RUNNING -t 10
pid=$("$BIN/lxc-info" "${L[@]}" -p | awk '{print $2}')
expect_eq "init's uid on the host" 100000 "$(ps -o uid= -p "${pid:-1}" | tr -d ' ')"
expect_eq "init's gid on the host" 100000 "$(ps -o gid= -p "${pid:-1}" | tr -d ' ')"

# The ptys are the container root's (group tty), so busybox init's getty
# on tty1 can open its terminal.
expect_eq "/dev/tty2 belongs to root:tty inside" "0 5" \
  "$("$BIN/lxc-attach" "${L[@]}" -- stat -c '%u %g' /dev/tty2 2>&1)"
expect_eq "/dev/console belongs to root inside" 0 \
  "$("$BIN/lxc-attach" "${L[@]}" -- stat -c '%u' /dev/console 2>&1)"
getty=""
for _ in $(seq 1 30); do
  getty=$("$BIN/lxc-attach" "${L[@]}" -- ps 2>/dev/null | grep -c '[g]etty' || true)
  [ "$getty" = 1 ] && break
  sleep 0.1
done
expect_eq "getty runs on tty1" 1 "$getty"

# lxc-attach: root inside, 100000 outside.
expect_eq "lxc-attach: id -u inside" 0 "$("$BIN/lxc-attach" "${L[@]}" -- id -u 2>&1)"
"$BIN/lxc-attach" "${L[@]}" -- sleep 30 >/dev/null 2>&1 &
attach_pid=$!
sleep_pid=""
for _ in $(seq 1 50); do
  sleep_pid=$(pgrep -x -P "$pid" sleep || true)
  [ -z "$sleep_pid" ] && sleep_pid=$(pgrep -x sleep -u 100000 | head -n1 || true)
  [ -n "$sleep_pid" ] && break
  sleep 0.1
done
expect_eq "the attached process's uid on the host" 100000 "$(ps -o uid= -p "${sleep_pid:-1}" | tr -d ' ')"
[ -n "$sleep_pid" ] && kill "$sleep_pid" 2>/dev/null || true
wait "$attach_pid" 2>/dev/null || true

# Files made inside are 100000's on the host.
"$BIN/lxc-attach" "${L[@]}" -- sh -c 'echo hi > /root-made; mkdir -p /home/x; touch /home/x/f' >/dev/null 2>&1 || true
expect_eq "a file made inside, seen from the host" "100000:100000" "$(stat -c %u:%g "$rootfs/root-made" 2>&1)"
expect_eq "a file in a new directory" "100000:100000" "$(stat -c %u:%g "$rootfs/home/x/f" 2>&1)"
rc=0; out=$("$BIN/lxc-attach" "${L[@]}" -- mknod /tmp/b2 b 8 0 2>&1) || rc=$?
if [ "$rc" != 0 ]; then pass "mknod via lxc-attach fails"; else fail_check "mknod via lxc-attach fails"; fi
# Root inside rules its own namespaces, not the host's.
expect_eq "root inside may set its own host name" renamed \
  "$("$BIN/lxc-attach" "${L[@]}" -- sh -c 'hostname renamed && hostname' 2>&1)"
rc=0; "$BIN/lxc-attach" "${L[@]}" -- sh -c 'echo 1 > /proc/sys/vm/drop_caches' >/dev/null 2>&1 || rc=$?
if [ "$rc" != 0 ]; then pass "host-wide sysctls are read-only"; else fail_check "host-wide sysctls are read-only"; fi

expect_rc "lxc-stop" 0 "$BIN/lxc-stop" "${L[@]}" -t 20
expect_eq "stopped" "State:          STOPPED" "$("$BIN/lxc-info" "${L[@]}" -s)"
if [ -n "$pid" ] && [ -d "/proc/$pid" ]; then fail_check "init gone after stop"; else pass "init gone after stop"; fi

expect_nothing_left "$name" "$lp"
expect_rc "lxc-destroy" 0 "$BIN/lxc-destroy" "${L[@]}"
finish
