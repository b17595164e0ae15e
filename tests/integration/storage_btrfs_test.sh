#!/usr/bin/env bash
# btrfs: an lxcpath on a btrfs filesystem the test makes in a file; the
# rootfs is a subvolume, copies and snapshots are btrfs snapshots.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/storage_lib.sh"
grep -qw btrfs /proc/filesystems || skip "no btrfs in this kernel"
command -v mkfs.btrfs >/dev/null || skip "needs mkfs.btrfs (btrfs-progs)"

truncate -s 300M "$tmp/btrfs.img"
mkfs.btrfs -q "$tmp/btrfs.img" >/dev/null 2>&1 || skip "mkfs.btrfs failed"
mount -o loop "$tmp/btrfs.img" "$P" || skip "cannot mount a btrfs image"
extra_cleanup() { umount "$P" 2>/dev/null || umount -l "$P"; }

subvol() { [ "$(stat -c %i "$1")" = 256 ]; }
lifecycle btrfs stbtrfs

n=stbt
expect_rc "create -B best picks btrfs" 0 create -n $n -t busybox -B best
expect_eq "best is btrfs here" "btrfs:$P/$n/rootfs" "$(rootfs_of $n)"
subvol "$P/$n/rootfs" && pass "rootfs is a subvolume" || fail_check "rootfs is a subvolume"
expect_rc "copy" 0 copy -n $n -N $n-c
subvol "$P/$n-c/rootfs" && pass "copy is a subvolume (snapshot)" || fail_check "copy is a subvolume"
expect_rc "copy -B dir" 0 copy -n $n -N $n-d -B dir
subvol "$P/$n-d/rootfs" && fail_check "copy -B dir is a directory" || pass "copy -B dir is a directory"
works $n-d "btrfs to dir copy"
expect_rc "snapshot" 0 snap -n $n
subvol "$P/$n/snaps/snap0/rootfs" && pass "snapshot is a subvolume" || fail_check "snapshot is a subvolume"
expect_rc "destroy -s" 0 destroy -n $n -s
for c in $n-c $n-d; do expect_rc "destroy $c" 0 destroy -n $c; done
expect_eq "no subvolume left" "" "$(btrfs subvolume list "$P" 2>/dev/null)"
finish
