#!/usr/bin/env bash
# The Gentoo handbook's way to import a root filesystem, on Debian:
#   lxc-create -t local -n NAME -- --fstree rootfs.tar.xz --no-dev
# with the debootstrapped Debian 12 of debian_rootfs.sh turned into a
# .tar.xz here, without any image metadata. The container must boot as
# created: systemd reaches running (or degraded) within 30 s.
. "$(dirname "$0")/lib.sh"
need_root
command -v xz >/dev/null && command -v zstd >/dev/null || skip "needs xz and zstd"
. "$(dirname "$0")/debian_rootfs.sh"
debian_rootfs_tarball

tmp=$(mktemp -d /tmp/lxcpp-test-tpboot.XXXXXX)
P=$tmp/lxc
name=tp-boot-$$
L=(-P "$P" -n "$name")
trap 'remove_lxcpath "$P"; rm -rf "$tmp"' EXIT

start=$(date +%s)
zstd -dc "$DEBIAN_TARBALL" | xz -T0 -0 >"$tmp/debian.tar.xz"
echo "# converted to .tar.xz in $(($(date +%s) - start)) s ($(du -m "$tmp/debian.tar.xz" | cut -f1) MiB)"

start=$(date +%s)
out=$("$BIN/lxc-create" "${L[@]}" -t local -- --fstree "$tmp/debian.tar.xz" --no-dev 2>&1) && rc=0 || rc=$?
expect_eq "lxc-create -t local --no-dev (exit status)" 0 "$rc"
[ "$rc" = 0 ] || echo "$out"
echo "# imported in $(($(date +%s) - start)) s"
r=$P/$name/rootfs
expect_eq "no device nodes imported" "pts" "$(ls "$r/dev" | tr '\n' ' ' | sed 's/ $//')"
expect_eq "setuid kept (su)" 4755 "$(stat -c %a "$r/bin/su" 2>&1)"
expect_eq "root-owned" 0 "$(stat -c %u "$r/etc/shadow")"
expect_eq "shadow group kept" "$(zstd -dc "$DEBIAN_TARBALL" | tar -tv --numeric-owner ./etc/shadow 2>/dev/null | awk '{print $2}' | cut -d/ -f2)" \
  "$(stat -c %g "$r/etc/shadow")"
echo "lxc.console.logfile = $tmp/console.log" >>"$P/$name/config"

systemd_boot "$tmp" "${L[@]}"
[ "$state" = running ] || [ "$state" = degraded ] || tail -n30 "$tmp/console.log" 2>/dev/null || true
[ "$state" = degraded ] && "$BIN/lxc-attach" "${L[@]}" -- systemctl --failed --no-legend 2>&1 | head -n10
expect_eq "PID 1 is systemd" systemd "$("$BIN/lxc-attach" "${L[@]}" -- cat /proc/1/comm 2>&1)"
expect_rc "lxc-stop halts it" 0 "$BIN/lxc-stop" "${L[@]}" -t 20
expect_nothing_left "$name" "$P"
finish
