#!/usr/bin/env bash
# zfs: needs the zfs kernel module and zfsutils with a pool the test can
# make on a file.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/storage_lib.sh"
command -v zpool >/dev/null || skip "needs zfsutils-linux (zfs is not in Debian main)"
grep -qw zfs /proc/filesystems || skip "no zfs kernel module"

pool=stlxc$$
truncate -s 600M "$tmp/zfs.img"
zpool create -m none "$pool" "$tmp/zfs.img" || skip "cannot make a zfs pool"
extra_cleanup() { zpool destroy -f "$pool"; }
lifecycle zfs stzfs --zfsroot "$pool"
finish
