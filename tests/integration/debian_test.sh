#!/usr/bin/env bash
# A debootstrapped Debian 12 (minbase + systemd-sysv) boots under lxcpp with
# the configs Debian's LXC ships (debian.common.conf -> common.conf):
# systemd reaches running (or degraded) and lxc-stop halts it cleanly.
#
# The root filesystem comes from debian_rootfs.sh (cached, made with
# debootstrap when missing). The LXC configs come from the lxc-templates and liblxc-common
# packages, unpacked with dpkg -x: LXC itself is never installed.
. "$(dirname "$0")/lib.sh"
need_root

lp=$(mktemp -d /tmp/lxcpp-test-deb-XXXXXX)
name=lxcpp-test-deb-$$
L=(-P "$lp" -n "$name")
trap 'remove_lxcpath "$lp"' EXIT

. "$(dirname "$0")/debian_rootfs.sh"
debian_rootfs_tarball
tarball=$DEBIAN_TARBALL

confdir=$lp/lxc-config
debian_lxc_configs "$confdir"

rootfs=$lp/$name/rootfs
mkdir -p "$rootfs"
chmod 755 "$lp"
start=$(date +%s)
tar -C "$rootfs" --numeric-owner --xattrs -I zstd -xf "$tarball"
echo "# rootfs extracted in $(($(date +%s) - start)) s"
echo "$name" >"$rootfs/etc/hostname"
cat >"$lp/$name/config" <<EOF
lxc.include = $confdir/debian.common.conf
lxc.arch = linux64
lxc.net.0.type = empty
lxc.apparmor.profile = unconfined
lxc.rootfs.path = dir:$rootfs
lxc.uts.name = $name
lxc.console.logfile = $lp/console.log
EOF

systemd_boot "$lp" "${L[@]}"
if [ "$state" != running ]; then
  echo "--- failed units:"
  "$BIN/lxc-attach" "${L[@]}" -- systemctl --failed --no-legend 2>&1 | head -n20 || true
  echo "--- console log (tail):"
  tail -n30 "$lp/console.log" 2>/dev/null || true
fi
expect_eq "PID 1 is systemd" systemd "$("$BIN/lxc-attach" "${L[@]}" -- cat /proc/1/comm 2>&1)"
expect_eq "the host name" "$name" "$("$BIN/lxc-attach" "${L[@]}" -- hostname 2>&1)"
expect_contains "the console shows the boot" "Debian GNU/Linux 12" "$(tr -d '\r' <"$lp/console.log" 2>/dev/null)"
expect_eq "systemd sees a container" lxc "$("$BIN/lxc-attach" "${L[@]}" -- systemd-detect-virt 2>&1)"

start=$(date +%s)
expect_rc "lxc-stop halts it" 0 "$BIN/lxc-stop" "${L[@]}" -t 10 --nokill
took=$(($(date +%s) - start))
if [ "$took" -le 10 ]; then pass "halted in ${took} s"; else fail_check "halted within 10 s (took $took s)"; fi
expect_eq "stopped" "State:          STOPPED" "$("$BIN/lxc-info" "${L[@]}" -s)"
expect_contains "systemd halted cleanly" "Halting system." "$(tr -d '\r' <"$lp/console.log" 2>/dev/null)"

expect_nothing_left "$name" "$lp"
finish
