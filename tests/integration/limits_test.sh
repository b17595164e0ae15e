#!/usr/bin/env bash
# Resource limits on a busybox container: a cgroup v1 memory limit stops a
# memory hog, pids.max stops a fork loop, lxc.prlimit is seen inside, and a
# cgroup2 key on a host whose controllers are on v1 is ignored with a warning.
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"

lp=$(mktemp -d /tmp/lxcpp-test-li-XXXXXX)
name=lxcpp-test-li-$$
L=(-P "$lp" -n "$name")
trap 'remove_lxcpath "$lp"' EXIT

expect_rc "lxc-create -t busybox" 0 "$BIN/lxc-create" "${L[@]}" -t busybox
cfg="$lp/$name/config"
cp "$cfg" "$lp/config.orig"

v1_memory=/sys/fs/cgroup/memory
v1_pids=/sys/fs/cgroup/pids
cg_dir() {  # CONTROLLER-MOUNT: the container's payload cgroup there
  find "$1" -maxdepth 1 -type d -name "lxc.payload.$name*" | head -n1
}
# The hog doubles a shell string until something stops it; ulimit -v keeps
# the host safe should the cgroup limit not hold (then the shell reports
# "out of memory" instead of being killed).
hog='ulimit -v 1048576; a=x; while true; do a=$a$a; done'

# --- memory: lxc.cgroup.memory.limit_in_bytes (cgroup v1) ---
if [ -f "$v1_memory/memory.limit_in_bytes" ]; then
  echo "lxc.cgroup.memory.limit_in_bytes = 64M" >>"$cfg"
  start=$(date +%s)
  rc=0; out=$(timeout 60 "$BIN/lxc-execute" "${L[@]}" -- sh -c "$hog" 2>&1) || rc=$?
  expect_eq "the memory hog is killed (SIGKILL from the OOM killer)" 137 "$rc"
  [ "$rc" = 137 ] || echo "$out" | tail -n5
  echo "    (the hog ran for $(($(date +%s) - start)) s)"
  expect_eq "no memory cgroup left after the OOM kill" "" "$(cg_dir "$v1_memory")"
  expect_eq "no monitor left after the OOM kill" "" "$(pgrep -f "lxc-execute.*$name" || true)"

  # In a running container: the limit is set, the hog dies, init lives on.
  expect_rc "lxc-start -d" 0 "$BIN/lxc-start" "${L[@]}" -d
  dir=$(cg_dir "$v1_memory")
  expect_eq "memory.limit_in_bytes" 67108864 "$(cat "$dir/memory.limit_in_bytes" 2>&1)"
  rc=0; timeout 60 "$BIN/lxc-attach" "${L[@]}" -- sh -c "$hog" >/dev/null 2>&1 || rc=$?
  expect_eq "an attached memory hog is killed" 137 "$rc"
  expect_contains "the cgroup counted an OOM kill" "oom_kill 1" "$(cat "$dir/memory.oom_control" 2>&1)"
  expect_eq "the container still runs" "State:          RUNNING" "$("$BIN/lxc-info" "${L[@]}" -s)"
  expect_eq "and still works" ok "$("$BIN/lxc-attach" "${L[@]}" -- echo ok 2>&1)"
  expect_rc "lxc-stop" 0 "$BIN/lxc-stop" "${L[@]}" -k
  expect_eq "no memory cgroup left after stop" "" "$(cg_dir "$v1_memory")"
  cp "$lp/config.orig" "$cfg"
else
  echo "SKIP (part): no cgroup v1 memory controller at $v1_memory"
fi

# --- pids: lxc.cgroup.pids.max (cgroup v1) ---
if grep -qw pids /proc/cgroups && [ -f "$v1_pids/cgroup.procs" ]; then
  echo "lxc.cgroup.pids.max = 20" >>"$cfg"
  rc=0
  out=$(timeout 60 "$BIN/lxc-execute" "${L[@]}" -- \
    sh -c 'for i in $(seq 1 50); do sleep 3 & echo started; done; wait' 2>&1) || rc=$?
  started=$(grep -c '^started' <<<"$out" || true)
  if [ "$started" -gt 0 ] && [ "$started" -lt 50 ]; then
    pass "pids.max stops the fork loop ($started of 50 started)"
  else
    fail_check "pids.max stops the fork loop ($started of 50 started)"
  fi
  expect_contains "the shell says it cannot fork" "can't fork" "$out"
  if [ "$rc" != 0 ]; then pass "the fork loop fails ($rc)"; else fail_check "the fork loop fails"; fi
  expect_eq "no pids cgroup left" "" "$(cg_dir "$v1_pids")"
  cp "$lp/config.orig" "$cfg"
else
  echo "SKIP (part): no cgroup v1 pids controller at $v1_pids"
fi

# --- lxc.prlimit ---
echo "lxc.prlimit.nofile = 100" >>"$cfg"
echo "lxc.prlimit.nproc = 1000:2000" >>"$cfg"
expect_eq "lxc.prlimit.nofile: ulimit -n inside" 100 "$("$BIN/lxc-execute" "${L[@]}" -- sh -c 'ulimit -n' 2>&1)"
expect_eq "lxc.prlimit.nproc soft:hard" "1000 2000" \
  "$("$BIN/lxc-execute" "${L[@]}" -- sh -c 'echo $(ulimit -S -u) $(ulimit -H -u)' 2>&1)"
expect_rc "lxc-start -d with prlimits" 0 "$BIN/lxc-start" "${L[@]}" -d
pid=$("$BIN/lxc-info" "${L[@]}" -p | awk '{print $2}')
expect_contains "init's open files limit" "100                  100" \
  "$(grep 'Max open files' "/proc/${pid:-1}/limits" 2>&1)"
expect_rc "lxc-stop" 0 "$BIN/lxc-stop" "${L[@]}" -k
cp "$lp/config.orig" "$cfg"

# --- lxc.cgroup2.* on this host ---
# The controllers sit on v1 (hybrid or legacy): LXC ignores lxc.cgroup2.*
# there with a warning, and so do we. A unified host applies them.
if grep -q ' - cgroup2 ' /proc/self/mountinfo && ! grep -q ' - cgroup ' /proc/self/mountinfo; then
  echo "lxc.cgroup2.memory.max = 64M" >>"$cfg"
  expect_rc "lxc-start -d with lxc.cgroup2.memory.max" 0 "$BIN/lxc-start" "${L[@]}" -d
  dir=$(find /sys/fs/cgroup -maxdepth 2 -type d -name "lxc.payload.$name*" | head -n1)
  expect_eq "memory.max" 67108864 "$(cat "$dir/memory.max" 2>&1)"
  rc=0; timeout 60 "$BIN/lxc-attach" "${L[@]}" -- sh -c "$hog" >/dev/null 2>&1 || rc=$?
  expect_eq "an attached memory hog is killed" 137 "$rc"
  expect_rc "lxc-stop" 0 "$BIN/lxc-stop" "${L[@]}" -k
else
  echo "lxc.cgroup2.memory.max = 64M" >>"$cfg"
  rc=0; "$BIN/lxc-execute" "${L[@]}" -- true >/dev/null 2>&1 || rc=$?
  expect_eq "lxc-execute with lxc.cgroup2.* on a v1 host" 0 "$rc"
  rc=0; "$BIN/lxc-start" "${L[@]}" -d -o "$lp/start.log" -l WARN >/dev/null 2>&1 || rc=$?
  expect_eq "lxc-start -d with lxc.cgroup2.* on a v1 host" 0 "$rc"
  expect_contains "the log says lxc.cgroup2.* is ignored" "ignoring lxc.cgroup2" "$(cat "$lp/start.log" 2>&1)"
  expect_eq "it runs" "State:          RUNNING" "$("$BIN/lxc-info" "${L[@]}" -s)"
  expect_rc "lxc-stop" 0 "$BIN/lxc-stop" "${L[@]}" -k
fi
cp "$lp/config.orig" "$cfg"

# The monitor reports STOPPED, then removes its own cgroup and exits.
for _ in $(seq 1 50); do
  pgrep -f "lxc-.*$name" >/dev/null || break
  sleep 0.1
done
leftover=$(find /sys/fs/cgroup -maxdepth 3 -name "*$name*" 2>/dev/null)
expect_eq "no cgroups left" "" "$leftover"
expect_eq "no mounts left" "" "$(grep "$lp" /proc/self/mountinfo || true)"
expect_eq "no monitor left" "" "$(pgrep -f "lxc-.*$name" || true)"
expect_rc "lxc-destroy" 0 "$BIN/lxc-destroy" "${L[@]}"
finish
