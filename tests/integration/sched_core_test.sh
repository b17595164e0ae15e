#!/usr/bin/env bash
# lxc.sched.core: the container's tasks in a core scheduling domain of their
# own. Where the kernel has core scheduling (CONFIG_SCHED_CORE and SMT), init
# and what lxc-attach runs share one cookie that no host process has. Where it
# has not (this project's CI kernel), a start with lxc.sched.core = 1 fails
# naming the key and the reason, as LXC's does, and leaves nothing behind. A
# container that keeps the host's pid namespace cannot have it at all.
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"
command -v gcc >/dev/null || skip "gcc is needed to build the probe"

src=${LXCPP_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
lp=$(mktemp -d /tmp/lxcpp-test-sc-XXXXXX)
name=lxcpp-test-sc-$$
L=(-P "$lp" -n "$name")
trap 'remove_lxcpath "$lp"' EXIT

gcc -static -O2 -o "$lp/probe" "$src/tests/probe/probe.c" || { fail_check "build the probe"; finish; exit 1; }
expect_rc "lxc-create -t busybox" 0 "$BIN/lxc-create" "${L[@]}" -t busybox
cfg=$lp/$name/config
install -m 0755 "$lp/probe" "$lp/$name/rootfs/probe"
cp "$cfg" "$lp/config.orig"

# 0 and unset: no domain, the container starts as ever.
echo "lxc.sched.core = 0" >>"$cfg"
expect_eq "lxc.sched.core = 0: lxc-execute runs" "ok" "$("$BIN/lxc-execute" "${L[@]}" -- echo ok 2>&1)"

cp "$lp/config.orig" "$cfg"
echo "lxc.sched.core = 1" >>"$cfg"
host=$("$lp/probe" core_sched)
case $host in
  "cookie "*)
    echo "    (this kernel has core scheduling: $host for the test itself)"
    expect_rc "lxc-start -d with lxc.sched.core = 1" 0 "$BIN/lxc-start" "${L[@]}" -d
    expect_rc "lxc-wait RUNNING" 0 "$BIN/lxc-wait" "${L[@]}" -s RUNNING -t 10
    inside=$("$BIN/lxc-attach" "${L[@]}" -- /probe core_sched)
    expect_contains "lxc-attach's command has a cookie" "cookie " "$inside"
    expect_eq "not 0, not the host's" yes "$([ "$inside" != "cookie 0" ] && [ "$inside" != "$host" ] && echo yes)"
    expect_rc "lxc-stop -k" 0 "$BIN/lxc-stop" "${L[@]}" -k
    # lxc-execute's command is a child of lxcpp's init: it inherited the domain.
    out=$("$BIN/lxc-execute" "${L[@]}" -- /probe core_sched 2>&1)
    expect_contains "lxc-execute's command has a cookie" "cookie " "$out"
    expect_eq "not 0" yes "$([ "$out" != "cookie 0" ] && echo yes)"
    ;;
  *)
    echo "    (no core scheduling here: the probe says $host)"
    rc=0
    out=$("$BIN/lxc-start" "${L[@]}" -d 2>&1) || rc=$?
    expect_eq "lxc-start -d with lxc.sched.core = 1 fails" 1 "$rc"
    expect_contains "the error names the key" "lxc.sched.core" "$out"
    expect_contains "and why" "does not support core scheduling" "$out"
    expect_contains "the container is STOPPED" STOPPED "$("$BIN/lxc-info" "${L[@]}" -s)"
    rc=0
    out=$("$BIN/lxc-execute" "${L[@]}" -- true 2>&1) || rc=$?
    expect_eq "lxc-execute with lxc.sched.core = 1 fails" 1 "$rc"
    expect_contains "naming the key" "lxc.sched.core" "$out"
    expect_nothing_left "$name" "$lp"
    ;;
esac

# Without a pid namespace of its own: refused before anything is made.
echo "lxc.namespace.keep = pid" >>"$cfg"
rc=0
out=$("$BIN/lxc-start" "${L[@]}" -d 2>&1) || rc=$?
expect_eq "lxc.sched.core with the host's pid namespace fails" 1 "$rc"
expect_contains "the error says why" "lxc.sched.core: core scheduling needs a pid namespace of the container's own" "$out"
expect_nothing_left "$name" "$lp"

finish
