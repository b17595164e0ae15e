#!/usr/bin/env bash
# lxc-usernsexec as a normal user (through newuidmap/newgidmap and the
# user's /etc/subuid and /etc/subgid ranges) and as root (maps written
# directly): the command runs as root of a new user namespace, files it
# makes belong to the mapped host ids, its exit status is ours, maps the
# user was not granted are refused, and nothing stays behind.
. "$(dirname "$0")/lib.sh"
need_root
[ -e /proc/self/uid_map ] || skip "the kernel has no user namespaces"
[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)" != 0 ] || skip "user namespaces are disabled"
command -v newuidmap >/dev/null && command -v newgidmap >/dev/null || skip "newuidmap/newgidmap (package uidmap) missing"
command -v useradd >/dev/null && command -v runuser >/dev/null || skip "useradd/runuser missing"

X="$BIN/lxc-usernsexec"
user=unx$$
# A subordinate range of our own, away from the 100000 that containers of
# other tests use.
base=$((3000000 + ($$ % 500) * 65536))
dir=$(mktemp -d /tmp/lxcpp-test-un-XXXXXX)
# Sticky: only an owner (or root over a mapped owner) may remove a file.
chmod 1777 "$dir"
cleanup() {
  pkill -KILL -u "$user" 2>/dev/null || true
  userdel "$user" >/dev/null 2>&1 || true
  # userdel drops the user's subordinate ranges; make sure.
  sed -i "/^$user:/d" /etc/subuid /etc/subgid 2>/dev/null || true
  umount "$dir/m" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

useradd -M -N -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$user"
usermod --add-subuids "$base-$((base + 65535))" --add-subgids "$base-$((base + 65535))" "$user"
uid=$(id -u "$user")
as_user() { runuser -u "$user" -- "$@"; }

echo "== as $user (uid $uid), subuid $base"
as_user "$X" -m "b:0:$base:65536" -- touch "$dir/mapped"
expect_eq "a file made by root inside belongs to the mapped host uid" "$base:$base" "$(stat -c %u:%g "$dir/mapped")"
expect_eq "uid and gid inside are 0" "0 0" "$(as_user "$X" -m "b:0:$base:65536" -- sh -c 'echo $(id -u) $(id -g)')"
expect_eq "the uid map inside" "0 $base 65536" "$(as_user "$X" -m "b:0:$base:65536" -- cat /proc/self/uid_map | xargs)"
rc=0
as_user "$X" -m "b:0:$base:65536" -- sh -c 'exit 7' || rc=$?
expect_eq "the command's exit status passes through" 7 "$rc"
rc=0
as_user "$X" -m "b:0:$base:65536" -- sh -c 'kill -9 $$' || rc=$?
expect_eq "a command killed by SIGKILL gives 137" 137 "$rc"

# No -m: the user's first /etc/subuid and /etc/subgid ranges at 0, as LXC.
as_user "$X" -- touch "$dir/default"
expect_eq "default maps: root inside is the first subuid" "$base:$base" "$(stat -c %u:%g "$dir/default")"
expect_eq "default command is /bin/sh" "0" "$(echo 'id -u' | as_user "$X")"

# -s maps the caller too, at the first free id inside.
as_user touch "$dir/own"
expect_eq "without -s the caller's file belongs to nobody inside" "65534" "$(as_user "$X" -- stat -c %u "$dir/own")"
expect_eq "with -s the caller is mapped after the subuid range" "65536" "$(as_user "$X" -s -- stat -c %u "$dir/own")"
expect_rc "without -s root inside may not remove the caller's file" 1 as_user "$X" -- rm -f "$dir/own"
out=$(as_user "$X" -s -- rm -f "$dir/own" 2>&1) && pass "with -s root inside may remove the caller's file" ||
  fail_check "rm with -s: $out"

# A range /etc/subuid does not grant: refused, and the command never runs.
rc=0
out=$(as_user "$X" -m "b:0:$((base + 65536)):10" -- touch "$dir/refused" 2>&1) || rc=$?
expect_eq "an ungranted map fails" 1 "$rc"
expect_contains "newuidmap's refusal is shown" "not allowed" "$out"
expect_contains "LXC's message follows" "Failed to write id mapping for child process" "$out"
expect_eq "the command did not run" "no" "$([ -e "$dir/refused" ] && echo yes || echo no)"
# Only a uid map: the child cannot become gid 0.
rc=0
out=$(as_user "$X" -m "u:0:$base:65536" -- true 2>&1) || rc=$?
expect_eq "without a gid map the command fails" 1 "$rc"
expect_contains "why" "setresgid" "$out"

rc=0
out=$(as_user "$X" -m "x:0:$base:1" -- true 2>&1) || rc=$?
expect_eq "a malformed -m is a usage error" 1 "$rc"
expect_contains "usage is printed" "uid-maps: [u|g|b]:ns_id:host_id:range" "$out"
expect_rc "-h" 0 "$X" -h
rc=0
out=$(as_user "$X" -- /nonexistent/cmd 2>&1) || rc=$?
expect_eq "a command that cannot run: exit 1" 1 "$rc"
expect_contains "and why" 'Failed to execute "/nonexistent/cmd"' "$out"

# A user with no subordinate ids gets LXC's message.
rc=0
out=$(runuser -u nobody -- "$X" -- true 2>&1) || rc=$?
expect_eq "no subuid allocation: exit 1" 1 "$rc"
expect_contains "no subuid allocation: message" "Failed to find subuid or subgid allocation" "$out"

echo "== as root"
"$X" -m "b:0:$base:65536" -- touch "$dir/root-mapped"
expect_eq "root: a file made inside belongs to the mapped host uid" "$base:$base" "$(stat -c %u:%g "$dir/root-mapped")"
expect_eq "root: uid 0 inside" "0" "$("$X" -m "b:0:$base:65536" -- id -u)"
expect_eq "root: a map root's subuid does not grant is written directly" "0 $((base + 65536)) 1" \
  "$("$X" -m "b:0:$((base + 65536)):1" -- cat /proc/self/uid_map | xargs)"
rc=0
"$X" -m "b:0:$base:65536" -- sh -c 'exit 3' || rc=$?
expect_eq "root: exit status passes through" 3 "$rc"
# Overlapping ranges inside: the kernel refuses them.
rc=0
out=$("$X" -m "u:0:$base:10" -m "u:5:$((base + 100)):10" -m "g:0:$base:10" -- true 2>&1) || rc=$?
expect_eq "root: a map the kernel refuses fails" 1 "$rc"
expect_contains "root: the kernel's refusal is shown" "refused the uid map" "$out"

# The command has its own mount namespace: its mounts stay inside.
mkdir "$dir/m"
out=$("$X" -m "b:0:$base:65536" -- sh -c "mount -t tmpfs none '$dir/m' && grep -c '$dir/m' /proc/self/mountinfo")
expect_eq "a mount inside is seen inside" "1" "$out"
expect_eq "and not on the host" "" "$(grep "$dir/m" /proc/self/mountinfo || true)"

expect_eq "no process of the test user left" "" "$(pgrep -u "$user" || true)"
expect_eq "no lxc-usernsexec left" "" "$(pgrep -f "lxc-usernsexec.*$base" || true)"
finish
