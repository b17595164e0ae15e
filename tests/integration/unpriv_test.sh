#!/usr/bin/env bash
# A container of a normal user (no root anywhere): lxc-create -t busybox with
# ~/.config/lxc/default.conf's lxc.idmap puts the rootfs in the user's
# /etc/subuid range, lxc-start runs it (newuidmap/newgidmap, no cgroups of its
# own on a host that delegates none), lxc-attach and lxc-execute run as root
# inside and host uid BASE outside, lxc-stop halts it, lxc-destroy removes
# what the container's ids own; with a delegated cgroup2 subtree the container
# gets its cgroup there; nothing is left behind.
. "$(dirname "$0")/lib.sh"
need_root
[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)" != 0 ] || skip "user namespaces are disabled"
command -v newuidmap >/dev/null && command -v newgidmap >/dev/null || skip "newuidmap/newgidmap (package uidmap) missing"
command -v useradd >/dev/null && command -v runuser >/dev/null || skip "useradd/runuser missing"

user=unp$$
base=$((4000000 + ($$ % 500) * 65536))
dir=$(mktemp -d /tmp/lxcpp-test-unpriv-XXXXXX)
home=$dir/home
cleanup() {
  remove_subid_user "$user"
  rm -rf "$dir"
}
trap cleanup EXIT
chmod 755 "$dir"
add_subid_user "$user" "$base" "$home"
mkdir -p "$home/.config/lxc" "$home/.local/share"
printf 'lxc.net.0.type = empty\nlxc.idmap = u 0 %s 65536\nlxc.idmap = g 0 %s 65536\n' "$base" "$base" \
  >"$home/.config/lxc/default.conf"
chown -R "$user" "$home"
# The container's root is "others" on the host: it must be able to reach
# its rootfs below the home directory (LXC asks the same).
chmod 755 "$home" "$home/.local" "$home/.local/share"
as_user() { runuser -u "$user" -- env HOME="$home" "$@"; }
L=$home/.local/share/lxc
c=u1

rc=0
out=$(as_user "$BIN/lxc-create" -n $c -t busybox 2>&1) || rc=$?
expect_eq "lxc-create as $user" 0 "$rc"
[ "$rc" = 0 ] || { echo "$out"; finish; exit 1; }
expect_eq "the container dir: the container's root, the user's group, 0770" "$base $(id -g "$user") 770" \
  "$(stat -c '%u %g %a' "$L/$c")"
expect_eq "the rootfs belongs to the container's root (host $base)" "$base:$base" "$(stat -c %u:%g "$L/$c/rootfs/etc/passwd")"
expect_eq "no file of the rootfs left to the user" "" "$(find "$L/$c/rootfs" -user "$user" | head -3)"

expect_rc "lxc-start as $user" 0 as_user "$BIN/lxc-start" -n $c
expect_eq "RUNNING" RUNNING "$(as_user "$BIN/lxc-info" -n $c -s | awk '{print $NF}')"
pid=$(as_user "$BIN/lxc-info" -n $c -p | awk '{print $NF}')
expect_eq "init runs as host uid $base" "$base" "$(stat -c %u "/proc/$pid")"
expect_eq "the monitor runs as the user" "$user" "$(ps -o user= -p "$(awk '/^PPid:/ {print $2}' "/proc/$pid/status")")"
expect_eq "lxc-attach: root inside" "uid=0(root) gid=0(root)" "$(as_user "$BIN/lxc-attach" -n $c -- id)"
expect_eq "lxc-attach: the container's pid namespace" "1" "$(as_user "$BIN/lxc-attach" -n $c -- sh -c 'ps -o pid,comm | awk "\$2==\"init\" {print \$1; exit}"')"
rc=0
as_user "$BIN/lxc-attach" -n $c -- sh -c 'exit 7' || rc=$?
expect_eq "lxc-attach passes the exit status" 7 "$rc"
expect_eq "lxc-ls -f: UNPRIVILEGED true" "true" "$(as_user "$BIN/lxc-ls" -f -F NAME,UNPRIVILEGED | awk 'NR==2 {print $2}')"
expect_rc "lxc-stop (clean halt)" 0 as_user "$BIN/lxc-stop" -n $c -t 20
expect_eq "STOPPED" STOPPED "$(as_user "$BIN/lxc-info" -n $c -s | awk '{print $NF}')"

rc=0
out=$(as_user "$BIN/lxc-execute" -n $c -- sh -c 'echo $(id -u); exit 3' 2>&1) || rc=$?
expect_eq "lxc-execute as $user: the command's status" 3 "$rc"
expect_eq "... run as root inside" 0 "$out"

# The container's root cannot reach a rootfs under a directory closed to others.
chmod 700 "$home/.local"
rc=0
out=$(as_user "$BIN/lxc-start" -n $c 2>&1) || rc=$?
chmod 755 "$home/.local"
expect_eq "rootfs out of the container root's reach: start fails" 1 "$rc"
expect_contains "... saying what to do" "chmod o+x" "$out"

# With a cgroup2 subtree delegated to the user (as systemd's user@.service or
# `systemd-run --user --scope -p Delegate=yes` give one), the container gets
# its own cgroup below it, owned by the container's root; freezing works.
cg2=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/self/mounts)
if [ -n "$cg2" ]; then
  D=$cg2/lxcpp-test-deleg-$$
  mkdir "$D"
  chown "$user" "$D" "$D/cgroup.procs" "$D/cgroup.subtree_control" "$D/cgroup.threads"
  # a root subshell moves itself there (the user may not), then runs the user's command
  in_deleg() { (echo "$BASHPID" >"$D/cgroup.procs" && as_user "$@"); }
  expect_rc "lxc-start in a delegated cgroup" 0 in_deleg "$BIN/lxc-start" -n $c
  pid=$(as_user "$BIN/lxc-info" -n $c -p | awk '{print $NF}')
  expect_eq "init in the container's cgroup below the delegation" "0::${D#$cg2}/lxc.payload.$c" \
    "$(grep '^0::' "/proc/$pid/cgroup")"
  expect_eq "... which belongs to the container's root" "$base" "$(stat -c %u "$D/lxc.payload.$c")"
  expect_rc "lxc-freeze" 0 as_user "$BIN/lxc-freeze" -n $c
  expect_eq "FROZEN" FROZEN "$(as_user "$BIN/lxc-info" -n $c -s | awk '{print $NF}')"
  expect_rc "lxc-unfreeze" 0 as_user "$BIN/lxc-unfreeze" -n $c
  expect_rc "lxc-attach from within the delegated cgroup" 0 in_deleg "$BIN/lxc-attach" -n $c -- true
  rc=0
  out=$(as_user "$BIN/lxc-attach" -n $c -- true 2>&1) || rc=$?
  expect_eq "lxc-attach from outside it: refused by the kernel" 1 "$rc"
  expect_contains "... saying where to run it" "from within the cgroup delegated to you" "$out"
  # What the container's root makes below its cgroup (systemd's init.scope)
  # belongs to it, not to the user: the stop removes it all the same.
  mkdir "$D/lxc.payload.$c/init.scope"
  chown "$base:$base" "$D/lxc.payload.$c/init.scope"
  expect_rc "lxc-stop -k" 0 as_user "$BIN/lxc-stop" -n $c -k
  for _ in $(seq 50); do [ -z "$(find "$D" -mindepth 1 -type d)" ] && break; sleep 0.1; done
  expect_eq "no cgroup left below the delegation" "" "$(find "$D" -mindepth 1 -type d)"

  # Debian's wrappers: no systemd user manager here, so lxc-unpriv-start and
  # lxc-unpriv-attach run their command where they are when that is a cgroup
  # of the user's, and say what to do anywhere else.
  W=(env LXC_BINDIR="$BIN" XDG_RUNTIME_DIR="$home/no-session")
  expect_rc "lxc-unpriv-start in the delegated cgroup" 0 in_deleg "${W[@]}" "$BIN/lxc-unpriv-start" -n $c
  expect_eq "RUNNING (lxc-unpriv-start)" RUNNING "$(as_user "$BIN/lxc-info" -n $c -s | awk '{print $NF}')"
  expect_eq "lxc-unpriv-attach in the delegated cgroup" "0" \
    "$(in_deleg "${W[@]}" "$BIN/lxc-unpriv-attach" -n $c -- id -u)"
  rc=0
  out=$(as_user "${W[@]}" "$BIN/lxc-unpriv-attach" -n $c -- true 2>&1) || rc=$?
  expect_eq "lxc-unpriv-attach elsewhere, with no session: exit status" 1 "$rc"
  expect_contains "... names the way to get one" "loginctl enable-linger $user" "$out"
  expect_rc "lxc-stop -k" 0 as_user "$BIN/lxc-stop" -n $c -k
  rc=0
  out=$(as_user "${W[@]}" "$BIN/lxc-unpriv-start" -n $c 2>&1) || rc=$?
  expect_eq "lxc-unpriv-start elsewhere, with no session: exit status" 1 "$rc"
  expect_contains "... says why" "no systemd user session to run lxc-start in" "$out"
  expect_eq "... and starts nothing" STOPPED "$(as_user "$BIN/lxc-info" -n $c -s | awk '{print $NF}')"
  # With a user manager (its private socket; systemd-run stands in for it,
  # first on PATH): the command goes to a delegated scope, as Debian's do.
  if command -v python3 >/dev/null; then
    mkdir -p "$home/session/systemd" "$home/stub"
    python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])' "$home/session/systemd/private"
    printf '#!/bin/sh\necho "$*" >"%s/stub/args"\nwhile [ "$1" != -- ]; do shift; done\nshift\nexec "$@"\n' "$home" \
      >"$home/stub/systemd-run"
    chmod 755 "$home/stub/systemd-run"
    chown -R "$user" "$home/session" "$home/stub"
    out=$(as_user env PATH="$home/stub:$PATH" LXC_BINDIR="$BIN" XDG_RUNTIME_DIR="$home/session" \
      "$BIN/lxc-unpriv-start" --version 2>&1)
    expect_contains "lxc-unpriv-start with a session: lxc-start ran" "lxcpp" "$out"
    expect_eq "... through systemd-run --user --scope -p Delegate=yes" \
      "--user --scope -p Delegate=yes -- $BIN/lxc-start --version" "$(cat "$home/stub/args")"
  fi
  rmdir "$D"
fi

expect_rc "lxc-destroy as $user" 0 as_user "$BIN/lxc-destroy" -n $c
expect_eq "the container dir is gone" "no" "$([ -e "$L/$c" ] && echo yes || echo no)"
expect_eq "no process of the container's ids left" "" "$(pgrep -u "$base" || true)"
# (an exited daemon may wait a moment as a zombie for this host's PID 1 to reap it)
expect_eq "no process of the user left (monitor)" "" "$(ps -u "$user" -o stat=,args= | awk '$1 !~ /^Z/' || true)"
expect_eq "no mount left" "" "$(grep "$L" /proc/self/mountinfo || true)"
finish
