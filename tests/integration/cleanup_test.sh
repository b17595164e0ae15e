#!/usr/bin/env bash
# Cleanup when the monitor itself dies: lxc-start's monitor killed with
# SIGKILL takes the container with it (lxc.monitor.signal.pdeath), and the
# next start of that container works, in its own cgroups (not a "-1" copy),
# and leaves nothing behind once stopped.
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"

lp=$(mktemp -d /tmp/lxcpp-test-cl-XXXXXX)
c=lxcpp-test-cl-$$
trap 'remove_lxcpath "$lp"' EXIT
C=(-P "$lp" -n "$c")

expect_rc "lxc-create" 0 "$BIN/lxc-create" "${C[@]}" -t busybox
echo "lxc.net.0.type = empty" >>"$lp/$c/config"

monitor_pid() { pgrep -f "lxc-start.*$lp" | head -1; }
payload_cgroups() { find /sys/fs/cgroup -maxdepth 2 -name "lxc.payload.$c*" | sort; }

expect_rc "lxc-start" 0 "$BIN/lxc-start" "${C[@]}"
expect_rc "lxc-wait RUNNING" 0 "$BIN/lxc-wait" "${C[@]}" -s RUNNING -t 10
init=$("$BIN/lxc-info" "${C[@]}" -p | awk '{print $2}')
mon=$(monitor_pid)
expect_eq "the monitor is found" "1" "$([ -n "$mon" ] && echo 1)"
first=$(payload_cgroups)
sleep 1 # the stale cgroups must be older than a start could be
kill -9 "$mon"
for _ in $(seq 50); do kill -0 "$init" 2>/dev/null || break; sleep 0.1; done
expect_eq "init dies with its monitor" "gone" "$(kill -0 "$init" 2>/dev/null && echo alive || echo gone)"
expect_eq "lxc-info sees it STOPPED" "STOPPED" "$("$BIN/lxc-info" "${C[@]}" -s | awk '{print $2}')"

expect_rc "the next lxc-start works" 0 "$BIN/lxc-start" "${C[@]}"
expect_rc "and runs" 0 "$BIN/lxc-wait" "${C[@]}" -s RUNNING -t 10
expect_eq "in the container's own cgroups again, not a -1 copy" "$first" "$(payload_cgroups)"
expect_eq "attach works" "$c" "$("$BIN/lxc-attach" "${C[@]}" -- hostname)"
expect_rc "lxc-stop -k" 0 "$BIN/lxc-stop" "${C[@]}" -k
expect_nothing_left "$c" "$lp"

# A process in the container's cgroups but not in its pid namespace (moved
# there from the host) outlives init: the stop kills it and still removes
# every cgroup.
expect_rc "lxc-start again" 0 "$BIN/lxc-start" "${C[@]}"
expect_rc "it runs" 0 "$BIN/lxc-wait" "${C[@]}" -s RUNNING -t 10
# (in a subshell of its own, whose notice of the kill goes to /dev/null)
(
  sleep 1000 &
  echo $! >"$lp/outsider.pid"
  wait
) >/dev/null 2>&1 &
keeper=$!
for _ in $(seq 50); do [ -s "$lp/outsider.pid" ] && break; sleep 0.1; done
outsider=$(cat "$lp/outsider.pid")
for procs in /sys/fs/cgroup/*/"lxc.payload.$c"/cgroup.procs /sys/fs/cgroup/"lxc.payload.$c"/cgroup.procs; do
  [ -f "$procs" ] && echo "$outsider" >"$procs"
done
expect_contains "the outsider is in the container's cgroup" "lxc.payload.$c" "$(cat "/proc/$outsider/cgroup" 2>&1)"
expect_rc "lxc-stop -k with the outsider" 0 "$BIN/lxc-stop" "${C[@]}" -k
wait "$keeper" || true
expect_eq "the outsider was killed" "gone" "$(kill -0 "$outsider" 2>/dev/null && echo alive || echo gone)"
expect_nothing_left "$c" "$lp"

# A pre-mount hook runs in the container's mount namespace: what it mounts
# stays there (/ is a dependent mount before it runs, as in LXC).
mkdir -p "$lp/hookdir"
cat >"$lp/hook.sh" <<HOOK
#!/bin/sh
mount -t tmpfs hooktmp "$lp/hookdir"
HOOK
chmod +x "$lp/hook.sh"
# In a mount namespace whose / is shared (as on systemd hosts), so that a
# leak would show.
leaked=$(unshare -m --propagation shared sh -c "
  \"$BIN/lxc-execute\" -P \"$lp\" -n \"$c\" -s lxc.hook.pre-mount=\"$lp/hook.sh\" -- true || echo start-failed
  grep -c hooktmp /proc/self/mountinfo || true")
expect_eq "the hook's mount did not reach the starting namespace" "0" "$leaked"

finish
