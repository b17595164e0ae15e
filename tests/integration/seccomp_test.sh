#!/usr/bin/env bash
# lxc.seccomp.profile: LXC's default policy (common.seccomp) makes kexec_load
# and init_module fail with EPERM and a forced umount with EACCES inside a
# busybox container; a broken profile stops the start and names file:line.
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"
command -v gcc >/dev/null || skip "gcc is needed to build the static probe"
grep -q '^Seccomp:' /proc/self/status || skip "the kernel has no seccomp"
grep -q '^Seccomp:[[:space:]]*0' /proc/self/status || skip "already seccomp-confined: LXC loads no profile then"

src=${LXCPP_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
data=${LXCPP_TEST_DATA:-$src/tests/data}
lp=$(mktemp -d /tmp/lxcpp-test-sc-XXXXXX)
name=lxcpp-test-sc-$$
L=(-P "$lp" -n "$name")
cleanup() {
  "$BIN/lxc-stop" "${L[@]}" -k >/dev/null 2>&1 || true
  "$BIN/lxc-destroy" "${L[@]}" -f >/dev/null 2>&1 || true
  rm -rf "$lp"
}
trap cleanup EXIT

gcc -static -O2 -o "$lp/probe" "$src/tests/probe/probe.c" || { echo "FATAL: cannot build the probe"; exit 1; }
expect_rc "lxc-create -t busybox" 0 "$BIN/lxc-create" "${L[@]}" -t busybox
conf=$lp/$name/config
install -m 0755 "$lp/probe" "$lp/$name/rootfs/probe"
run() { "$BIN/lxc-execute" "${L[@]}" -- /probe "$@" 2>&1; }

# Without a profile: no filter, and a forced umount is not EACCES.
sed -i '/^lxc\.seccomp\./d' "$conf"
expect_eq "no profile: Seccomp mode" "Seccomp:	0" "$(run seccomp)"
base=$(run umount_force)
if [ "$base" != EACCES ]; then pass "no profile: forced umount is not refused by a filter ($base)"; else
  fail_check "no profile: forced umount gave EACCES"; fi

# With LXC's default policy.
cp "$data/seccomp/common.seccomp" "$lp/common.seccomp"
echo "lxc.seccomp.profile = $lp/common.seccomp" >>"$conf"
expect_eq "common.seccomp: Seccomp mode is filter" "Seccomp:	2" "$(run seccomp)"
expect_eq "common.seccomp: kexec_load" EPERM "$(run kexec)"
expect_eq "common.seccomp: init_module" EPERM "$(run init_module)"
expect_eq "common.seccomp: reject_force_umount" EACCES "$(run umount_force)"
rc=0; out=$("$BIN/lxc-execute" "${L[@]}" -- sh -c 'echo alive; exit 4' 2>&1) || rc=$?
expect_eq "common.seccomp: ordinary commands still run (exit status)" 4 "$rc"
expect_contains "common.seccomp: ordinary commands still run" alive "$out"

# A profile that does not parse stops the start with file:line.
printf '2\ndenylist\nkexec_load explode\n' >"$lp/bad.seccomp"
sed -i '/^lxc\.seccomp\.profile/d' "$conf"
echo "lxc.seccomp.profile = $lp/bad.seccomp" >>"$conf"
rc=0; out=$("$BIN/lxc-execute" "${L[@]}" -- /probe kexec 2>&1) || rc=$?
if [ "$rc" != 0 ]; then pass "bad profile: lxc-execute fails ($rc)"; else fail_check "bad profile: lxc-execute succeeded"; fi
expect_contains "bad profile: error names file and line" "$lp/bad.seccomp:3" "$out"
if grep -q EPERM <<<"$out" || grep -q ENOSYS <<<"$out"; then
  fail_check "bad profile: the command ran anyway ($out)"
else pass "bad profile: the command did not run"; fi

# A missing profile fails too (LXC refuses to start without its policy).
sed -i '/^lxc\.seccomp\.profile/d' "$conf"
echo "lxc.seccomp.profile = $lp/missing.seccomp" >>"$conf"
rc=0; out=$("$BIN/lxc-execute" "${L[@]}" -- /probe kexec 2>&1) || rc=$?
if [ "$rc" != 0 ]; then pass "missing profile: lxc-execute fails ($rc)"; else fail_check "missing profile: lxc-execute succeeded"; fi
expect_contains "missing profile: error names the file" "missing.seccomp" "$out"

finish
