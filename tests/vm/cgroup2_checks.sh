#!/bin/bash
# Runs inside the cgroup2-only VM (tests/vm/make_vm.sh, cgroup_no_v1=all):
# lxc.cgroup2.* limits, eBPF device rules, the cgroup2 freezer, lxc-cgroup and
# lxc-info on a host with no v1 hierarchy at all, and a start from a
# non-root cgroup (lxc.cgroup.relative), where the monitor must leave it first.
. /lib.sh
lp=/var/lib/lxc
c=v2c
C=(-P "$lp" -n "$c")
expect_eq "the host is cgroup2-only" "cgroup2" "$(awk '$2 == "/sys/fs/cgroup" {print $3}' /proc/mounts)"
expect_rc "lxc-create -t busybox" 0 lxc-create "${C[@]}" -t busybox
cat >>"$lp/$c/config" <<CONF
lxc.net.0.type = empty
lxc.cgroup2.memory.max = 64M
lxc.cgroup2.memory.swap.max = 0
lxc.cgroup2.pids.max = 20
lxc.cgroup2.devices.deny = c 1:9 rwm
CONF

# memory.max stops a memory hog (the OOM killer's SIGKILL: 137) and nothing else
rc=0
lxc-execute "${C[@]}" -- sh -c 'tail /dev/zero' >/dev/null 2>&1 || rc=$?
expect_eq "a memory hog is killed by the 64M limit" 137 "$rc"
expect_eq "the container still runs commands" "ok" "$(lxc-execute "${C[@]}" -- echo ok)"

# pids.max = 20 stops a fork loop
out=$(lxc-execute "${C[@]}" -- sh -c 'i=0; while [ $i -lt 40 ]; do sleep 5 & i=$((i+1)); done; echo loop done' 2>&1 || true)
expect_contains "forks beyond pids.max fail" "can't fork" "$out"

# eBPF device program: /dev/urandom (1:9) denied, /dev/null allowed
expect_eq "/dev/null is allowed" "ok" "$(lxc-execute "${C[@]}" -- sh -c 'echo x >/dev/null && echo ok')"
expect_contains "/dev/urandom is denied" "Operation not permitted" \
  "$(lxc-execute "${C[@]}" -- sh -c 'head -c1 /dev/urandom' 2>&1 || true)"

# a running container: lxc-cgroup, lxc-info, the cgroup2 freezer
expect_rc "lxc-start" 0 lxc-start "${C[@]}"
expect_rc "lxc-wait RUNNING" 0 lxc-wait "${C[@]}" -s RUNNING -t 20
expect_eq "lxc-cgroup memory.max" "67108864" "$(lxc-cgroup "${C[@]}" memory.max)"
expect_eq "lxc-cgroup pids.max" "20" "$(lxc-cgroup "${C[@]}" pids.max)"
expect_rc "lxc-cgroup sets pids.max" 0 lxc-cgroup "${C[@]}" pids.max 30
expect_eq "and it holds" "30" "$(cat /sys/fs/cgroup/lxc.payload.$c/pids.max)"
expect_contains "lxc-info shows memory use" "Memory use:" "$(lxc-info "${C[@]}")"
expect_rc "lxc-freeze" 0 lxc-freeze "${C[@]}"
expect_eq "FROZEN" "FROZEN" "$(lxc-info "${C[@]}" -s | awk '{print $2}')"
expect_contains "cgroup.events says frozen" "frozen 1" "$(cat /sys/fs/cgroup/lxc.payload.$c/cgroup.events)"
expect_rc "lxc-unfreeze" 0 lxc-unfreeze "${C[@]}"
expect_eq "RUNNING again" "RUNNING" "$(lxc-info "${C[@]}" -s | awk '{print $2}')"
expect_eq "attach works" "$c" "$(lxc-attach "${C[@]}" -- hostname)"
expect_rc "lxc-stop -k" 0 lxc-stop "${C[@]}" -k
sleep 0.5
expect_eq "no cgroup left" "" "$(ls -d /sys/fs/cgroup/lxc.* 2>/dev/null | grep -v lxc.pivot || true)"

# From a non-root cgroup with lxc.cgroup.relative, as lxc-start -F in a
# delegated unit: the monitor must leave the base before controllers are
# handed down (cgroup2's no-internal-process rule).
mkdir /sys/fs/cgroup/outer
echo "+memory +pids" >/sys/fs/cgroup/cgroup.subtree_control
(
  echo "$BASHPID" >/sys/fs/cgroup/outer/cgroup.procs
  exec lxc-start "${C[@]}" -F -s lxc.cgroup.relative=1
) </dev/null >/tmp/fg.log 2>&1 &
fg=$!
expect_rc "lxc-start -F from a non-root cgroup runs" 0 lxc-wait "${C[@]}" -s RUNNING -t 20
expect_eq "the payload is under the base" "20" "$(cat /sys/fs/cgroup/outer/lxc.payload.$c/pids.max 2>&1)"
expect_rc "lxc-stop -k" 0 lxc-stop "${C[@]}" -k
wait "$fg" || true
expect_eq "no cgroup left under the base" "" "$(ls -d /sys/fs/cgroup/outer/lxc.* 2>/dev/null | grep -v lxc.pivot || true)"
[ "$failures" = 0 ] || { echo "lxc-start -F said:"; cat /tmp/fg.log; }
finish
