#!/usr/bin/env bash
# More of the runtime on busybox containers: lxc.arch, the session keyring,
# shared namespaces, reboot, lxc.ephemeral, time namespace offsets and sharing.
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"

lp=$(mktemp -d /tmp/lxcpp-test-r2-XXXXXX)
a=lxcpp-test-r2-a-$$
b=lxcpp-test-r2-b-$$
e=lxcpp-test-r2-e-$$
init_pid() { "$BIN/lxc-info" -P "$lp" -n "$1" -p 2>/dev/null | awk '{print $2}'; }
monitor_pids() { pgrep -f "lxc-(start|execute).*$lp" || true; }
wait_monitors_gone() {
  for _ in $(seq 100); do
    [ -z "$(monitor_pids)" ] && return 0
    sleep 0.1
  done
  return 1
}
cleanup() {
  for c in $(ls "$lp" 2>/dev/null); do
    "$BIN/lxc-stop" -P "$lp" -n "$c" -k >/dev/null 2>&1 || true
  done
  wait_monitors_gone || true
  rm -rf "$lp"
}
trap cleanup EXIT

for n in "$a" "$b" "$e"; do
  expect_rc "lxc-create $n" 0 "$BIN/lxc-create" -P "$lp" -n "$n" -t busybox
done
A=(-P "$lp" -n "$a")
B=(-P "$lp" -n "$b")

# 1. lxc.arch: the personality reaches the command.
expect_eq "lxc.arch = i686" "i686" "$("$BIN/lxc-execute" "${A[@]}" -s lxc.arch=i686 -- uname -m)"
expect_eq "no lxc.arch" "$(uname -m)" "$("$BIN/lxc-execute" "${A[@]}" -- uname -m)"

# 2. lxc.keyring.session: a new session keyring unless 0.
# The container's session keyring is a new one: its serial is not among
# the keyrings the host saw before.
before=$(awk '{print $1}' /proc/keys | sort)
ses=$("$BIN/lxc-execute" "${A[@]}" -- sh -c "awk '\$9 == \"_ses:\" || \$9 == \"_ses\" {print \$1}' /proc/keys" 2>/dev/null || true)
new=$(comm -13 <(echo "$before") <(echo "$ses" | sort) | grep . || true)
if [ -n "$new" ]; then pass "new session keyring"; else fail_check "new session keyring ($ses)"; fi
rc=0; "$BIN/lxc-execute" "${A[@]}" -s lxc.keyring.session=0 -- true || rc=$?
expect_eq "lxc.keyring.session = 0 starts" 0 "$rc"
rc=0; "$BIN/lxc-execute" "${A[@]}" -s lxc.monitor.unshare=1 -s lxc.monitor.signal.pdeath=SIGTERM -- true || rc=$?
expect_eq "lxc.monitor.unshare and lxc.monitor.signal.pdeath start" 0 "$rc"

# 3. Shared namespaces: B joins A's network namespace (by name and by pid).
expect_rc "start A" 0 "$BIN/lxc-start" "${A[@]}" -d
pa=$(init_pid "$a")
expect_rc "start B --share-net A --share-uts PID" 0 "$BIN/lxc-start" "${B[@]}" -d --share-net "$a" --share-uts "$pa"
pb=$(init_pid "$b")
if [ -n "$pa" ] && [ -n "$pb" ]; then pass "init pids of A and B"; else fail_check "init pids of A and B ($pa, $pb)"; fi
expect_eq "same net namespace" "$(readlink /proc/"$pa"/ns/net)" "$(readlink /proc/"$pb"/ns/net)"
expect_eq "same uts namespace" "$(readlink /proc/"$pa"/ns/uts)" "$(readlink /proc/"$pb"/ns/uts)"
expect_eq "B keeps A's host name" "$a" "$(nsenter -t "$pb" -u hostname)"
if [ "$(readlink /proc/"$pa"/ns/ipc)" != "$(readlink /proc/"$pb"/ns/ipc)" ]; then pass "own ipc namespace"; else fail_check "own ipc namespace"; fi
expect_rc "stop B" 0 "$BIN/lxc-stop" "${B[@]}" -k
# busybox init wants to be PID 1: B runs sleep in A's pid namespace.
expect_rc "start B with lxc.namespace.share.pid" 0 "$BIN/lxc-start" "${B[@]}" -d -s lxc.namespace.share.pid="$a" -- /bin/sleep 1000
pb=$(init_pid "$b")
expect_eq "same pid namespace" "$(readlink /proc/"$pa"/ns/pid)" "$(readlink /proc/"$pb"/ns/pid)"
nspid=$(awk '/^NSpid/ {print NF - 1, $NF}' /proc/"$pb"/status)
if [ "${nspid%% *}" = 2 ] && [ "${nspid#* }" != 1 ]; then pass "B's init is not PID 1 of A's namespace"; else fail_check "B's NSpid ($nspid)"; fi
expect_rc "stop B" 0 "$BIN/lxc-stop" "${B[@]}" -k
rc=0; err=$("$BIN/lxc-start" "${B[@]}" -d --share-net lxcpp-test-r2-none 2>&1) || rc=$?
expect_eq "share with a stopped container fails" 1 "$rc"
expect_contains "share failure names it" "lxcpp-test-r2-none" "$err"

# 4. Reboot: lxc-stop -r (the template's lxc.signal.reboot, SIGTERM: busybox
# init reboots) gives a new init, RUNNING again, same monitor.
mon=$(monitor_pids | head -n1)
expect_rc "lxc-stop -r" 0 "$BIN/lxc-stop" "${A[@]}" -r
np=""
for _ in $(seq 100); do
  np=$(init_pid "$a")
  [ -n "$np" ] && [ "$np" != "$pa" ] && break
  sleep 0.1
done
if [ -n "$np" ] && [ "$np" != "$pa" ]; then pass "new init after reboot"; else fail_check "new init after reboot ($pa -> $np)"; fi
expect_rc "RUNNING after reboot" 0 "$BIN/lxc-wait" "${A[@]}" -s RUNNING -t 10
expect_eq "same monitor after reboot" "$mon" "$(monitor_pids | head -n1)"
expect_rc "stop A" 0 "$BIN/lxc-stop" "${A[@]}" -k

# 5. lxc.ephemeral: the container is destroyed once it stops.
echo "lxc.ephemeral = 1" >>"$lp/$e/config"
expect_rc "start the ephemeral container" 0 "$BIN/lxc-start" -P "$lp" -n "$e" -d
expect_rc "stop the ephemeral container" 0 "$BIN/lxc-stop" -P "$lp" -n "$e" -k
wait_monitors_gone || true
if [ -e "$lp/$e" ]; then fail_check "ephemeral container destroyed"; else pass "ephemeral container destroyed"; fi

# 6. lxc.time.offset.*: the container's clocks are moved.
up=$("$BIN/lxc-execute" "${A[@]}" -s lxc.time.offset.boot=1000000s -s lxc.time.offset.monotonic=-5m -- cat /proc/uptime)
up=${up%%.*}
if [ -n "$up" ] && [ "$up" -gt 1000000 ]; then pass "boot offset seen in /proc/uptime"; else fail_check "boot offset ($up)"; fi
# Only init is in the new time namespace: the monitor (and its hooks) are not.
expect_rc "start A with a boot offset" 0 "$BIN/lxc-start" "${A[@]}" -d -s lxc.time.offset.boot=1000000s
pa=$(init_pid "$a")
mon=$(monitor_pids | head -n1)
if [ -n "$pa" ] && [ "$(readlink /proc/"$pa"/ns/time)" != "$(readlink /proc/self/ns/time)" ]; then
  pass "init in its own time namespace"
else
  fail_check "init in its own time namespace"
fi
expect_eq "the monitor's children keep the host's clocks" "$(readlink /proc/self/ns/time)" \
  "$(readlink /proc/"$mon"/ns/time_for_children)"
# lxc-attach joins it too (as LXC 5's), and -s takes its name.
up=$("$BIN/lxc-attach" "${A[@]}" -- cat /proc/uptime)
up=${up%%.*}
if [ -n "$up" ] && [ "$up" -gt 1000000 ]; then pass "lxc-attach: the boot offset"; else fail_check "lxc-attach: boot offset ($up)"; fi
up=$("$BIN/lxc-attach" "${A[@]}" -s 'time|MOUNT|pid' -- cat /proc/uptime)
up=${up%%.*}
if [ -n "$up" ] && [ "$up" -gt 1000000 ]; then pass "lxc-attach -s 'time|MOUNT|pid'"; else fail_check "-s time ($up)"; fi
up=$("$BIN/lxc-attach" "${A[@]}" -s 'MOUNT|PID' -- cat /proc/uptime)
up=${up%%.*}
if [ -n "$up" ] && [ "$up" -lt 1000000 ]; then pass "lxc-attach -s without TIME: the host's clock"; else fail_check "-s no time ($up)"; fi
# lxc.namespace.share.time: B's init joins A's time namespace, given by the
# name of A or by the path of a namespace file; the monitor goes back to the
# host's clocks.
for share in "$a" "/proc/$pa/ns/time"; do
  expect_rc "start B with lxc.namespace.share.time = $share" 0 \
    "$BIN/lxc-start" "${B[@]}" -d -s lxc.namespace.share.time="$share" -- /bin/sleep 1000
  pb=$(init_pid "$b")
  expect_eq "same time namespace ($share)" "$(readlink /proc/"$pa"/ns/time)" "$(readlink /proc/"$pb"/ns/time 2>/dev/null)"
  for m in $(monitor_pids); do
    expect_eq "monitor $m keeps the host's clocks" "$(readlink /proc/self/ns/time) $(readlink /proc/self/ns/time)" \
      "$(readlink /proc/"$m"/ns/time) $(readlink /proc/"$m"/ns/time_for_children)"
  done
  expect_rc "stop B" 0 "$BIN/lxc-stop" "${B[@]}" -k
done
expect_rc "stop A" 0 "$BIN/lxc-stop" "${A[@]}" -k
wait_monitors_gone || true

# 7. lxc-monitor: the exit status of init.
mout="$lp/monitor.out"
"$BIN/lxc-monitor" -P "$lp" -n "$b" >"$mout" 2>&1 &
mpid=$!
sleep 0.3
expect_rc "start B for lxc-monitor" 0 "$BIN/lxc-start" "${B[@]}" -d
sleep 0.3
expect_rc "stop B" 0 "$BIN/lxc-stop" "${B[@]}" -k
sleep 0.5
kill "$mpid" 2>/dev/null || true
wait "$mpid" 2>/dev/null || true
expect_contains "lxc-monitor prints RUNNING" "'$b' changed state to [RUNNING]" "$(cat "$mout")"
expect_contains "lxc-monitor prints the exit status" "'$b' exited with status [0]" "$(cat "$mout")"
expect_contains "lxc-monitor prints STOPPED" "'$b' changed state to [STOPPED]" "$(cat "$mout")"

# Nothing left behind.
wait_monitors_gone || true
expect_eq "no monitor left" "" "$(monitor_pids)"
leftover=$(find /sys/fs/cgroup -maxdepth 3 -name "*lxcpp-test-r2-*-$$*" 2>/dev/null)
expect_eq "no cgroups left" "" "$leftover"
expect_eq "no mounts left" "" "$(grep "$lp" /proc/self/mountinfo || true)"
expect_eq "no command socket left" "" "$(grep -a "lxcpp-test-r2-.*-$$/command" /proc/net/unix || true)"
for n in "$a" "$b"; do
  expect_rc "lxc-destroy $n" 0 "$BIN/lxc-destroy" -P "$lp" -n "$n"
done
finish
