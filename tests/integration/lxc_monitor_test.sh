#!/usr/bin/env bash
# Containers that LXC's own monitor runs (started by LXC before lxcpp
# replaced it, or next to it): lxcpp's tools find that monitor at LXC's
# address, @LXCPATH/NAME/command, when no lxcpp monitor answers, and see the
# container running, refuse to start it again, attach to it, read its
# cgroups, signal and stop it; what needs lxcpp's monitor (freezing) is
# refused saying so.
#
# The suite never runs the reference LXC: its monitor is stood in for by a
# small server that speaks LXC 5.0's wire format for the three commands
# lxcpp sends (GET_STATE 3, GET_INIT_PID 4, STOP 2, each a 16-byte request
# and answer, STOP unanswered) about a real container, which lxcpp runs
# under another lxcpath. bench/crosscheck.sh checks the same against the
# real LXC, by hand.
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"
[ -x /usr/bin/python3 ] || skip "python3 is not installed"

lp=$(mktemp -d /tmp/lxcpp-test-lxcmon-XXXXXX)
lxc_lp=$lp/lxc   # where "LXC" keeps the container
name=lxcpp-test-lxcmon-$$
L=(-P "$lp" -n "$name")
X=(-P "$lxc_lp" -n lxcrun)
fake=
stop_fake() {
  [ -n "$fake" ] || return 0
  kill "$fake" 2>/dev/null || true
  wait "$fake" 2>/dev/null || true
  fake=
}
trap 'stop_fake; remove_lxcpath "$lp"' EXIT

cat >"$lp/lxcmon.py" <<'EOF'
# LXC 5.0's monitor, as far as lxcpp talks to it, for the container whose
# init is PID: a request {int32 cmd, int32 datalen, 8 bytes}, an answer
# {int32 ret, int32 datalen, 8 bytes of result}.
import os, signal, socket, struct, sys
address, pid, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(b"\0" + address.encode())
s.listen(8)
open(log + ".ready", "w").close()
def alive():
    return os.path.exists("/proc/%d" % pid)
while True:
    c, _ = s.accept()
    req = c.recv(16)
    cmd = struct.unpack("iiQ", req)[0] if len(req) == 16 else -1
    with open(log, "a") as f:
        f.write("%d\n" % cmd)
    if cmd == 3:
        c.sendall(struct.pack("iiQ", 0, 0, 2 if alive() else 0))
    elif cmd == 4:
        c.sendall(struct.pack("iiQ", 0, 0, pid))
    elif cmd == 2:
        os.kill(pid, signal.SIGKILL)
    else:
        c.sendall(struct.pack("iiQ", -38, 0, 0))
    c.close()
EOF
# start_fake PID: "LXC's monitor" of lxcrun, whose init is PID.
start_fake() {
  rm -f "$lp/cmds" "$lp/cmds.ready"
  /usr/bin/python3 "$lp/lxcmon.py" "$lxc_lp/lxcrun/command" "$1" "$lp/cmds" &
  fake=$!
  for _ in $(seq 50); do [ -e "$lp/cmds.ready" ] && return 0; sleep 0.1; done
  return 1
}

expect_rc "lxc-create -t busybox" 0 "$BIN/lxc-create" "${L[@]}" -t busybox
mkdir -p "$lxc_lp/lxcrun"
cp "$lp/$name/config" "$lxc_lp/lxcrun/config"
expect_rc "lxc-start -d" 0 "$BIN/lxc-start" "${L[@]}" -d
expect_rc "lxc-wait RUNNING" 0 "$BIN/lxc-wait" "${L[@]}" -s RUNNING -t 10
pid=$("$BIN/lxc-info" "${L[@]}" -p -H)
expect_contains "lxc-info: STOPPED while nobody runs it" STOPPED "$("$BIN/lxc-info" "${X[@]}" -s)"
start_fake "$pid" || fail_check "the stand-in for LXC's monitor listens"

expect_contains "lxc-info -s: RUNNING under LXC" RUNNING "$("$BIN/lxc-info" "${X[@]}" -s)"
expect_eq "lxc-info -p: LXC's init" "$pid" "$("$BIN/lxc-info" "${X[@]}" -p -H)"
expect_contains "lxc-info: memory use from its cgroups" "Memory use" "$("$BIN/lxc-info" "${X[@]}")"
expect_contains "lxc-ls -f: RUNNING" "lxcrun RUNNING" "$("$BIN/lxc-ls" -P "$lxc_lp" -f -F NAME,STATE)"
rc=0
out=$("$BIN/lxc-start" "${X[@]}" -d 2>&1) || rc=$?
expect_eq "lxc-start refuses to start it twice" 1 "$rc"
expect_contains "saying it runs" "already running" "$out"
expect_eq "lxc-attach runs in it" "$name" "$("$BIN/lxc-attach" "${X[@]}" -- hostname 2>&1)"
# Inside its cgroup namespace, a process in the container's cgroups sees "/"
# in each hierarchy; one left in the host's would see a path up and out ("/..").
cg=$("$BIN/lxc-attach" "${X[@]}" -- cat /proc/self/cgroup 2>&1)
expect_eq "in its cgroups" "" "$(grep -v ':/$' <<<"$cg" || true)"
expect_contains "(read)" "memory:/" "$cg"
rc=0
out=$("$BIN/lxc-freeze" "${X[@]}" 2>&1) || rc=$?
expect_eq "lxc-freeze: refused" 1 "$rc"
expect_contains "saying LXC runs it" "runs under LXC's monitor (init $pid)" "$out"
expect_rc "lxc-stop -k" 0 "$BIN/lxc-stop" "${X[@]}" -k
expect_contains "sent LXC's STOP" "2" "$(cat "$lp/cmds")"
expect_contains "lxc-info: STOPPED" STOPPED "$("$BIN/lxc-info" "${X[@]}" -s)"
expect_rc "the real container stopped with it" 0 "$BIN/lxc-wait" "${L[@]}" -s STOPPED -t 10
stop_fake

# A clean shutdown: lxc.signal.halt to init, then STOPPED.
expect_rc "lxc-start -d again" 0 "$BIN/lxc-start" "${L[@]}" -d
expect_rc "lxc-wait RUNNING" 0 "$BIN/lxc-wait" "${L[@]}" -s RUNNING -t 10
start_fake "$("$BIN/lxc-info" "${L[@]}" -p -H)" || fail_check "the stand-in listens again"
expect_rc "lxc-stop -t 10: halts it" 0 "$BIN/lxc-stop" "${X[@]}" -t 10
expect_eq "without LXC's STOP" "" "$(grep -x 2 "$lp/cmds" || true)"
expect_rc "the real container halted" 0 "$BIN/lxc-wait" "${L[@]}" -s STOPPED -t 10
stop_fake

expect_nothing_left "$name" "$lp"
finish
