#!/usr/bin/env bash
# Container hooks through the runtime: pre-start, mount, start-host, start,
# stop and post-stop each run once, in order, with LXC_NAME; a failing
# pre-start hook makes lxc-start fail with a message naming it and leaves
# nothing running; lxc.hook.destroy runs before lxc-destroy removes anything.
# Skips (77) while the start sequence does not run hooks.
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"
"$BIN/lxc-start" --version >/dev/null 2>&1 || skip "lxc-start does not run"

lp=$(mktemp -d /tmp/lxcpp-test-hk-XXXXXX)
name=lxcpp-test-hk-$$
L=(-P "$lp" -n "$name")
rec=$lp/record
trap 'remove_lxcpath "$lp"' EXIT

expect_rc "lxc-create -t busybox" 0 "$BIN/lxc-create" "${L[@]}" -t busybox
cfg=$lp/$name/config
rootfs=$lp/$name/rootfs
cp "$cfg" "$lp/config.orig"

# Host-side recorder (lxc.hook.version 0: $1 name, $2 section, $3 type).
cat >"$lp/hook.sh" <<EOF
#!/bin/sh
echo "\$3 name=\$LXC_NAME section=\$2 pid=\${LXC_PID:-} rootfs=\$LXC_ROOTFS_MOUNT" >>"$rec"
EOF
# The start hook runs inside the container after pivot_root: its path and
# the file it writes are the container's.
cat >"$rootfs/hook-start.sh" <<'EOF'
#!/bin/sh
echo "$3 name=$LXC_NAME" >>/hook-record
EOF
cat >"$lp/fail.sh" <<'EOF'
#!/bin/sh
echo "fail.sh says no" >&2
exit 5
EOF
chmod +x "$lp/hook.sh" "$rootfs/hook-start.sh" "$lp/fail.sh"

cat >>"$cfg" <<EOF
lxc.hook.pre-start = $lp/hook.sh
lxc.hook.mount = $lp/hook.sh
lxc.hook.start-host = $lp/hook.sh
lxc.hook.start = /hook-start.sh
lxc.hook.stop = $lp/hook.sh
lxc.hook.post-stop = $lp/hook.sh
EOF

# Probe: start once; no record means the start sequence does not run hooks yet.
rc=0; err=$("$BIN/lxc-start" "${L[@]}" -d 2>&1) || rc=$?
if [ "$rc" = 0 ]; then "$BIN/lxc-wait" "${L[@]}" -s RUNNING -t 10 >/dev/null 2>&1 || true; fi
if [ ! -e "$rec" ]; then
  "$BIN/lxc-stop" "${L[@]}" -k >/dev/null 2>&1 || true
  skip "lxc-start does not run lxc.hook.* yet (no pre-start record; lxc-start said: ${err:-nothing})"
fi
expect_eq "lxc-start -d with hooks (exit status)" 0 "$rc"
expect_eq "running" "State:          RUNNING" "$("$BIN/lxc-info" "${L[@]}" -s)"
pid=$("$BIN/lxc-info" "${L[@]}" -p | awk '{print $2}')

types=$(awk '{print $1}' "$rec" | tr '\n' ' ')
expect_eq "host hooks before init runs" "pre-start mount start-host " "$types"
expect_eq "start hook ran inside the container" "start name=$name" "$(cat "$rootfs/hook-record" 2>/dev/null)"
expect_eq "every hook has LXC_NAME" "" "$(grep -v "name=$name " "$rec" || true)"
expect_eq "every hook has section lxc" "" "$(grep -v "section=lxc " "$rec" || true)"
expect_contains "start-host gets LXC_PID = init's pid" "start-host name=$name section=lxc pid=$pid " "$(cat "$rec")"
expect_eq "pre-start has no LXC_PID" "" "$(grep '^pre-start' "$rec" | grep -o 'pid=[0-9][0-9]*' || true)"
expect_eq "LXC_ROOTFS_MOUNT is set" "" "$(grep 'rootfs=$' "$rec" || true)"

expect_rc "lxc-stop" 0 "$BIN/lxc-stop" "${L[@]}" -t 20
expect_eq "stopped" "State:          STOPPED" "$("$BIN/lxc-info" "${L[@]}" -s)"
types=$(awk '{print $1}' "$rec" | tr '\n' ' ')
expect_eq "each hook once, in order" "pre-start mount start-host stop post-stop " "$types"
expect_eq "start hook ran once" 1 "$(wc -l <"$rootfs/hook-record")"

# lxc-stop -k runs stop and post-stop too.
rm -f "$rec" "$rootfs/hook-record"
expect_rc "lxc-start -d again" 0 "$BIN/lxc-start" "${L[@]}" -d
"$BIN/lxc-wait" "${L[@]}" -s RUNNING -t 10 >/dev/null 2>&1 || true
expect_rc "lxc-stop -k" 0 "$BIN/lxc-stop" "${L[@]}" -k
"$BIN/lxc-wait" "${L[@]}" -s STOPPED -t 10 >/dev/null 2>&1 || true
types=$(awk '{print $1}' "$rec" | tr '\n' ' ')
expect_eq "hooks with lxc-stop -k" "pre-start mount start-host stop post-stop " "$types"

# A failing pre-start hook: lxc-start fails naming it; nothing runs, no other
# hook runs (LXC does not reach lxc_end, so not even post-stop).
cp "$lp/config.orig" "$cfg"
cat >>"$cfg" <<EOF
lxc.hook.pre-start = $lp/fail.sh
lxc.hook.mount = $lp/hook.sh
lxc.hook.start-host = $lp/hook.sh
EOF
rm -f "$rec" "$rootfs/hook-record"
rc=0; err=$("$BIN/lxc-start" "${L[@]}" -d 2>&1) || rc=$?
expect_eq "failing pre-start: exit status" 1 "$rc"
expect_contains "failing pre-start: message names the hook" "pre-start" "$err"
expect_contains "failing pre-start: message names the script" "$lp/fail.sh" "$err"
rc=0; err=$("$BIN/lxc-start" "${L[@]}" -d -q -o "$lp/start.log" 2>&1) || rc=$?
expect_eq "failing pre-start with -q: exit status" 1 "$rc"
expect_eq "failing pre-start with -q: nothing on stderr" "" "$err"
expect_contains "failing pre-start: the -o log says why" "ERROR    lxc_start - lxc_start.cc:lxc_start_main" "$(cat "$lp/start.log")"
expect_contains "failing pre-start: the -o log names the script and its status" "$lp/fail.sh\" exited with status 5" \
  "$(cat "$lp/start.log")"
expect_eq "failing pre-start: not running" "State:          STOPPED" "$("$BIN/lxc-info" "${L[@]}" -s)"
expect_eq "failing pre-start: no later hook ran" "" "$(cat "$rec" 2>/dev/null || true)"
expect_eq "failing pre-start: no monitor left" "" "$(pgrep -f "lxc-start.*$name" || true)"
expect_eq "failing pre-start: no cgroup left" "" "$(find /sys/fs/cgroup -maxdepth 3 -name "*$name*" 2>/dev/null)"
expect_eq "failing pre-start: no mounts left" "" "$(grep "$lp" /proc/self/mountinfo || true)"

# A mount hook, run by the container's first process during its setup, sees
# lxc.environment (LXC's nvidia hook reads NVIDIA_* from it) and writes to
# the caller's stdio, as LXC's: its complaints are not lost.
cp "$lp/config.orig" "$cfg"
cat >"$lp/env.sh" <<'EOF'
#!/bin/sh
echo "mount hook: HOOK_VAR=${HOOK_VAR:-unset}" >&2
EOF
chmod +x "$lp/env.sh"
cat >>"$cfg" <<EOF
lxc.environment = HOOK_VAR=from-config
lxc.hook.mount = $lp/env.sh
lxc.console.path = none
EOF
err=$("$BIN/lxc-execute" "${L[@]}" -- true 2>&1)
expect_contains "lxc-execute: the mount hook's stderr, with lxc.environment" "mount hook: HOOK_VAR=from-config" "$err"
err=$(timeout 20 "$BIN/lxc-start" "${L[@]}" -F -- /bin/true 2>&1 </dev/null)
expect_contains "lxc-start -F: likewise" "mount hook: HOOK_VAR=from-config" "$err"
expect_eq "init's environment has lxc.environment" "HOOK_VAR=from-config" \
  "$("$BIN/lxc-execute" "${L[@]}" -- env 2>/dev/null | grep HOOK_VAR)"

# lxc.hook.destroy (LXC runs it from lxc-destroy, before anything goes): a
# failing one stops the destroy and leaves the container whole; one that
# succeeds sees the container's rootfs, then everything goes.
cp "$lp/config.orig" "$cfg"
cat >"$lp/destroy.sh" <<'EOF'
#!/bin/sh
echo "$3 $LXC_NAME src=$LXC_SRC_NAME rootfs=$([ -d "${LXC_ROOTFS_PATH#dir:}" ] && echo there)" >>"$DESTROY_RECORD"
exit "${DESTROY_RC:-0}"
EOF
chmod +x "$lp/destroy.sh"
echo "lxc.hook.destroy = $lp/destroy.sh" >>"$cfg"
rc=0; err=$(DESTROY_RECORD=$lp/destroy.rec DESTROY_RC=4 "$BIN/lxc-destroy" "${L[@]}" 2>&1) || rc=$?
expect_eq "a failing destroy hook: lxc-destroy fails" 1 "$rc"
expect_contains "... naming the hook" "lxc.hook.destroy" "$err"
expect_eq "... and the container is still there" "yes" "$([ -f "$cfg" ] && [ -d "$rootfs" ] && echo yes)"
expect_rc "lxc-destroy with the hook succeeding" 0 env DESTROY_RECORD="$lp/destroy.rec" "$BIN/lxc-destroy" "${L[@]}"
expect_eq "the hook ran each time, with the rootfs still there" \
  "destroy $name src=$name rootfs=there destroy $name src=$name rootfs=there" "$(tr '\n' ' ' <"$lp/destroy.rec" | sed 's/ $//')"
expect_eq "then the container went" "no" "$([ -e "$lp/$name" ] && echo yes || echo no)"
finish
