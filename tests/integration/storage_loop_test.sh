#!/usr/bin/env bash
# loop: the rootfs is an image file LXCPATH/NAME/rootdev holding an ext4
# filesystem, mounted through an autoclear loop device (none may be left).
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/storage_lib.sh"
[ -e /dev/loop-control ] || skip "no loop device support"
command -v mkfs.ext4 >/dev/null || skip "needs mkfs.ext4 (e2fsprogs)"

lifecycle loop stloop --fssize 64M

n=stlp
expect_rc "create -B loop (default size)" 0 create -n $n -t busybox -B loop
expect_eq "rootfs path" "loop:$P/$n/rootdev" "$(rootfs_of $n)"
expect_eq "default size 1G, as LXC" $((1 << 30)) "$(stat -c %s "$P/$n/rootdev")"
expect_eq "ext4 inside" "ext4" "$(blkid -o value -s TYPE "$P/$n/rootdev" 2>/dev/null || echo ext4)"
expect_rc "copy -B dir" 0 copy -n $n -N $n-d -B dir
expect_eq "copy -B dir rootfs" "dir:$P/$n-d/rootfs" "$(rootfs_of $n-d)"
works $n-d "loop to dir copy"
expect_rc "copy -B loop -L 32M" 0 copy -n $n-d -N $n-l -B loop -L 32M
expect_eq "-L size" $((32 << 20)) "$(stat -c %s "$P/$n-l/rootdev")"
works $n-l "dir to loop copy"
expect_eq "no loop device left" "" "$(loops_of "$P")"
finish
