#!/usr/bin/env bash
# Bad input to lxc-copy, lxc-snapshot and lxc-destroy: a full disk, a name
# that exists, an unknown backing store, a running original, snapshots a
# driver cannot make. Each fails with a clear error and leaves no half-made
# container, mount or loop device behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/storage_lib.sh"

b=sterr
expect_rc "create" 0 create -n $b -t busybox
head -c 3M /dev/urandom >"$P/$b/rootfs/big"

# A full disk: an lxcpath on a 2 MB filesystem.
small=$tmp/small
mkdir -p "$small"
truncate -s 2M "$tmp/small.img"
mkfs.ext4 -q "$tmp/small.img" >/dev/null 2>&1
mount -o loop "$tmp/small.img" "$small"
extra_cleanup() { umount "$small" 2>/dev/null || umount -l "$small"; }
rc=0; out=$(copy -n $b -N stfull -p "$small" 2>&1) || rc=$?
expect_eq "copy onto a full disk fails" 1 "$rc"
expect_contains "says the disk is full" "No space left on device" "$out"
expect_eq "nothing half-made on the full disk" "lost+found" "$(ls "$small")"
expect_eq "no mount left but the test's own" 1 "$(grep -cF "$tmp" /proc/self/mountinfo)"
rc=0; out=$(copy -n $b -N stfull2 -p "$small" -B loop -L 8M 2>&1) || rc=$?
expect_eq "loop copy onto a full disk fails" 1 "$rc"
expect_eq "no loop image left" "lost+found" "$(ls "$small")"
expect_eq "no loop device left" "" "$(losetup -a | grep -F "$small/" || true)"
rm -f "$P/$b/rootfs/big"

# A name that exists.
expect_rc "create second" 0 create -n $b-2 -t busybox
echo keep >"$P/$b-2/rootfs/keep"
rc=0; out=$(copy -n $b -N $b-2 2>&1) || rc=$?
expect_eq "copy to an existing name fails" 1 "$rc"
expect_contains "says it exists" "error: clone: $P/$b-2/config exists" "$out"
expect_eq "existing container untouched" keep "$(cat "$P/$b-2/rootfs/keep")"

# An unknown backing store; one lxcpp has no backend for.
rc=0; out=$(copy -n $b -N $b-x -B foo 2>&1) || rc=$?
expect_eq "unknown backing store fails" 1 "$rc"
expect_contains "names it" "foo" "$out"
rc=0; out=$(copy -n $b -N $b-x -B rbd 2>&1) || rc=$?
expect_eq "rbd copy fails" 1 "$rc"
expect_contains "rbd unsupported" "not supported" "$out"
[ -e "$P/$b-x" ] && fail_check "no half-made copy" || pass "no half-made copy"

# Snapshots a driver cannot make.
rc=0; out=$(copy -n $b -N $b-x -s -B loop 2>&1) || rc=$?
expect_eq "loop snapshot of dir fails" 1 "$rc"
expect_contains "loop has no snapshots" "The loop storage driver does not support snapshots" "$out"
rc=0; out=$(copy -n $b -N $b-x -s -B btrfs 2>&1) || rc=$?
expect_contains "btrfs snapshot of dir" "btrfs snapshot from dir backing store is not supported" "$out"
[ -e "$P/$b-x" ] && fail_check "still no half-made copy" || pass "still no half-made copy"

# Missing name, undefined container.
expect_rc "no -N" 1 copy -n $b
rc=0; out=$(copy -n nosuch -N x 2>&1) || rc=$?
expect_contains "undefined original" "Container nosuch is not defined" "$out"

# A running original needs -a.
"$BIN/lxc-start" -P "$P" -n $b >/dev/null 2>&1
rc=0; out=$(copy -n $b -N $b-run 2>&1) || rc=$?
expect_eq "copy of a running container fails" 1 "$rc"
expect_contains "not stopped" "container $b is not stopped" "$out"
expect_rc "copy -s -a of a running container" 0 copy -n $b -N $b-run -s -a
"$BIN/lxc-stop" -P "$P" -n $b -k >/dev/null 2>&1

# Clones and snapshots protect the base; restore over a base with clones.
rc=0; out=$(destroy -n $b 2>&1) || rc=$?
expect_contains "base with clones" "Destroying $b failed: $b has clones" "$out"
rc=0; out=$(snap -n $b -r snapx 2>&1) || rc=$?
expect_contains "restore over a base with clones refused" "container rootfs has dependent snapshots" "$out"
expect_rc "destroy the clone" 0 destroy -n $b-run
[ -e "$P/$b/lxc_snapshots" ] && fail_check "lxc_snapshots emptied" || pass "lxc_snapshots removed with the last clone"
rc=0; out=$(snap -n $b -r snap7 2>&1) || rc=$?
expect_contains "unknown snapshot" "Could not open snapshot snap7" "$out"
rc=0; out=$(snap -n $b -d snap7 2>&1) || rc=$?
expect_contains "destroy unknown snapshot" "Could not find snapshot snap7" "$out"
expect_eq "no snapshots" "No snapshots" "$(snap -n $b -L)"
expect_rc "snapshot 1" 0 snap -n $b
expect_rc "snapshot 2" 0 snap -n $b
expect_eq "two snapshots" "snap0 snap1" "$(snap -n $b -L | cut -d' ' -f1 | xargs)"
expect_rc "destroy ALL" 0 snap -n $b -d ALL
expect_eq "none left" "No snapshots" "$(snap -n $b -L)"
# The LXC 1.0 location is used when LXCPATHsnaps exists.
mkdir "${P}snaps"
expect_rc "legacy snapshot" 0 snap -n $b
[ -f "${P}snaps/$b/snap0/config" ] && pass "legacy snapshot location" || fail_check "legacy snapshot location"
expect_rc "destroy -s with legacy snapshots" 0 destroy -n $b -s
rm -rf "${P}snaps"
finish
