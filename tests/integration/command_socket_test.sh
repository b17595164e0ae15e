#!/usr/bin/env bash
# Command sockets are abstract addresses, which any local user can bind. A
# tool believes the process holding a container's address only when it runs
# as root, as the user asking, or as the owner of the lxcpath (a user's own
# containers): otherwise a squatter could name any host process as the
# container's init, and root's lxc-attach would run its command there, or
# lxc-stop signal it. Here a process of uid 65534 (nobody) holds the address
# of a stopped root container and answers every request with "pid 1".
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"
[ -x /usr/bin/python3 ] || skip "python3 is not installed"
command -v setpriv >/dev/null || skip "setpriv is not installed"

lp=$(mktemp -d /tmp/lxcpp-test-sock-XXXXXX)
chmod 755 "$lp"
name=lxcpp-test-sock-$$
L=(-P "$lp" -n "$name")
squatter=
trap 'stop_squatter; remove_lxcpath "$lp"' EXIT

# Answers any request with ret = 1 (init pid 1, state STARTING), no data.
cat >"$lp/squat.py" <<'EOF'
import socket, struct, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
s.bind(b"\0" + sys.argv[1].encode())
s.listen(8)
open(sys.argv[2], "w").close()
while True:
    c, _ = s.accept()
    try:
        c.recv(4096)
        c.sendall(struct.pack("iI", 1, 0))
    except OSError:
        pass
    c.close()
EOF
# start_squatter ADDRESS: nobody's process holds @ADDRESS until killed.
start_squatter() {
  rm -f "$lp/ready"
  setpriv --reuid=65534 --regid=65534 --clear-groups /usr/bin/python3 "$lp/squat.py" "$1" "$lp/ready" &
  squatter=$!
  for _ in $(seq 50); do [ -e "$lp/ready" ] && return 0; sleep 0.1; done
  return 1
}
stop_squatter() {
  [ -n "$squatter" ] || return 0
  kill "$squatter" 2>/dev/null || true
  wait "$squatter" 2>/dev/null || true
  squatter=
}

expect_rc "lxc-create -t busybox" 0 "$BIN/lxc-create" "${L[@]}" -t busybox
chmod 777 "$lp"  # the squatter writes its ready file here
start_squatter "lxcpp/$lp/$name/command" || fail_check "the squatter binds the container's address"
chmod 755 "$lp"

marker=/tmp/lxcpp-test-sock-ran-$$
rc=0
out=$("$BIN/lxc-attach" "${L[@]}" -- /bin/sh -c "touch $marker" 2>&1) || rc=$?
expect_eq "lxc-attach does not believe it" 1 "$([ "$rc" != 0 ] && echo 1)"
expect_contains "and says why" "held by pid $squatter of uid 65534" "$out"
expect_eq "the command ran nowhere" "" "$(ls "$marker" 2>/dev/null; rm -f "$marker")"
out=$("$BIN/lxc-info" "${L[@]}" -s 2>&1 || true)
expect_contains "lxc-info: STOPPED" "STOPPED" "$out"
expect_contains "with the squatter named" "not a monitor to trust" "$out"
rc=0
out=$("$BIN/lxc-stop" "${L[@]}" -k 2>&1) || rc=$?
expect_eq "lxc-stop: the container is not running (exit 2)" 2 "$rc"
rc=0
out=$("$BIN/lxc-start" "${L[@]}" -d 2>&1) || rc=$?
expect_eq "lxc-start cannot take the address" 1 "$rc"
expect_contains "and names who holds it" "held by pid $squatter of uid 65534" "$out"
stop_squatter
expect_rc "with the address free, lxc-start works" 0 "$BIN/lxc-start" "${L[@]}" -d
expect_rc "lxc-wait RUNNING" 0 "$BIN/lxc-wait" "${L[@]}" -s RUNNING -t 10
expect_eq "and lxc-attach reaches the container" "$name" "$("$BIN/lxc-attach" "${L[@]}" -- hostname)"
expect_rc "lxc-stop -k" 0 "$BIN/lxc-stop" "${L[@]}" -k

# An lxcpath of nobody's own: its processes are that lxcpath's monitors.
own=$lp/nobody
mkdir "$own" && chown 65534:65534 "$own"
mkdir "$own/c1" && echo "lxc.uts.name = c1" >"$own/c1/config"
chmod 777 "$lp"
start_squatter "lxcpp/$own/c1/command" || fail_check "nobody binds a container address in its own lxcpath"
chmod 755 "$lp"
expect_contains "its owner's answer is believed" "STARTING" "$("$BIN/lxc-info" -P "$own" -n c1 -s 2>&1)"
stop_squatter

expect_nothing_left "$name" "$lp"
finish
