#!/usr/bin/env bash
# The same debootstrapped Debian 12 as cli_debian, as a root-made
# unprivileged container: lxc.idmap u/g 0 100000 65536 with Debian's
# debian.userns.conf, the rootfs shifted to the mapped ids. systemd boots to
# running or degraded, runs as host uid 100000, lxc-stop halts it cleanly.
. "$(dirname "$0")/lib.sh"
need_root
[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)" != 0 ] || skip "user namespaces are disabled"

lp=$(mktemp -d /tmp/lxcpp-test-udeb-XXXXXX)
name=lxcpp-test-udeb-$$
L=(-P "$lp" -n "$name")
trap 'remove_lxcpath "$lp"' EXIT

. "$(dirname "$0")/debian_rootfs.sh"
debian_rootfs_tarball
tarball=$DEBIAN_TARBALL

confdir=$lp/lxc-config
debian_lxc_configs "$confdir"

rootfs=$lp/$name/rootfs
mkdir -p "$rootfs"
chmod 755 "$lp" "$lp/$name"
chown 100000:100000 "$rootfs"
# Extracted inside the mapping, as LXC's templates run for such a container:
# every file belongs to a mapped id. The tarball's few device nodes cannot
# be made there (autodev makes /dev).
"$BIN/lxc-usernsexec" -m b:0:100000:65536 -- \
  tar -C "$rootfs" --numeric-owner -I zstd -xf "$tarball" 2>&1 | grep -v 'Cannot mknod\|Exiting with failure' || true
expect_eq "the rootfs belongs to the container's root" "100000:100000" "$(stat -c %u:%g "$rootfs/etc/passwd")"
echo "$name" >"$rootfs/etc/hostname"
cat >"$lp/$name/config" <<EOF
lxc.include = $confdir/debian.common.conf
lxc.include = $confdir/debian.userns.conf
lxc.arch = linux64
lxc.net.0.type = empty
lxc.apparmor.profile = unconfined
lxc.rootfs.path = dir:$rootfs
lxc.uts.name = $name
lxc.idmap = u 0 100000 65536
lxc.idmap = g 0 100000 65536
lxc.console.logfile = $lp/console.log
EOF

systemd_boot "$lp" "${L[@]}"
if [ "$state" != running ]; then
  echo "--- failed units:"
  "$BIN/lxc-attach" "${L[@]}" -- systemctl --failed --no-legend 2>&1 | head -n20 || true
fi
pid=$("$BIN/lxc-info" "${L[@]}" -p -H | awk '{print $NF}')
expect_eq "PID 1 is systemd" systemd "$("$BIN/lxc-attach" "${L[@]}" -- cat /proc/1/comm 2>&1)"
expect_eq "... running as host uid 100000" 100000 "$(stat -c %u "/proc/$pid")"
expect_eq "root inside" 0 "$("$BIN/lxc-attach" "${L[@]}" -- id -u 2>&1)"
expect_eq "systemd sees a container" lxc "$("$BIN/lxc-attach" "${L[@]}" -- systemd-detect-virt 2>&1)"

start=$(date +%s)
expect_rc "lxc-stop halts it" 0 "$BIN/lxc-stop" "${L[@]}" -t 10 --nokill
took=$(($(date +%s) - start))
if [ "$took" -le 10 ]; then pass "halted in ${took} s"; else fail_check "halted within 10 s (took $took s)"; fi
expect_eq "stopped" "State:          STOPPED" "$("$BIN/lxc-info" "${L[@]}" -s)"
expect_contains "systemd halted cleanly" "Halting system." "$(tr -d '\r' <"$lp/console.log" 2>/dev/null)"

expect_nothing_left "$name" "$lp"
finish
