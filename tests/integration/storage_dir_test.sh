#!/usr/bin/env bash
# dir storage: create, start, copy (owners, modes, xattrs, device nodes, hard
# and symbolic links preserved), snapshot (a copy for dir, with LXC's
# warning), restore, destroy; copy to another lxcpath, rename.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/storage_lib.sh"

lifecycle dir stdir

# What a copy keeps.
n=stdir-meta
create -n "$n" -t busybox >/dev/null 2>&1
r=$P/$n/rootfs
mknod "$r/dev/stnull" c 1 3
mkfifo "$r/stfifo"
echo data >"$r/stfile"
chown 1234:5678 "$r/stfile"
chmod 4751 "$r/stfile"
ln "$r/stfile" "$r/sthard"
ln -s /stfile "$r/stsym"
setfattr -n user.st -v kept "$r/stfile" 2>/dev/null && have_xattr=1 || have_xattr=0
setfattr -n security.capability -v 0sAQAAAgAgAAAAAAAAAAAAAAAAAAA= "$r/bin/busybox" 2>/dev/null && have_cap=1 || have_cap=0
touch -d '2001-02-03 04:05:06' "$r/stfile"
truncate -s 50M "$r/stsparse"
expect_rc "copy for metadata" 0 copy -n "$n" -N "$n-c"
c=$P/$n-c/rootfs
expect_eq "owner, mode, mtime" "1234:5678 4751 $(stat -c %Y "$r/stfile")" "$(stat -c '%u:%g %a %Y' "$c/stfile")"
expect_eq "hard link kept" "$(stat -c %i "$c/stfile")" "$(stat -c %i "$c/sthard")"
expect_eq "busybox applets stay hard links" "$(stat -c %h "$r/bin/busybox")" "$(stat -c %h "$c/bin/busybox")"
expect_eq "symlink kept" "/stfile" "$(readlink "$c/stsym")"
expect_eq "device node kept" "character special file 1:3" "$(stat -c '%F %t:%T' "$c/dev/stnull")"
expect_eq "fifo kept" "fifo" "$(stat -c '%F' "$c/stfifo")"
expect_eq "sparse file stays sparse" 0 "$(du -k "$c/stsparse" | cut -f1)"
[ $have_xattr = 1 ] && expect_eq "user xattr kept" "kept" "$(getfattr --only-values -n user.st "$c/stfile" 2>/dev/null)"
cap() { getfattr -e hex -n security.capability "$1" 2>/dev/null | grep '^security'; }
[ $have_cap = 1 ] && expect_eq "file capability kept" "$(cap "$r/bin/busybox")" "$(cap "$c/bin/busybox")"

# Paths under the old container dir follow the copy; MACs are new unless -M.
cfg=$P/$n/config
printf '#!/bin/sh\nenv > %s/clone-hook.env\n' "$tmp" >"$P/$n/clonehook"
chmod 755 "$P/$n/clonehook"
cat >>"$cfg" <<CONF
lxc.net.0.type = empty
lxc.net.0.hwaddr = 00:16:3e:11:22:33
lxc.log.file = $P/$n/$n.log
lxc.hook.clone = $P/$n/clonehook
CONF
expect_rc "copy with hooks" 0 copy -n "$n" -N "$n-h" -- hookarg
h=$P/$n-h/config
expect_contains "log file moved" "lxc.log.file = $P/$n-h/$n.log" "$(cat "$h")"
expect_contains "hook moved" "lxc.hook.clone = $P/$n-h/clonehook" "$(cat "$h")"
[ -x "$P/$n-h/clonehook" ] && pass "hook file copied" || fail_check "hook file copied"
expect_contains "rootfs.path" "lxc.rootfs.path = dir:$P/$n-h/rootfs" "$(cat "$h")"
mac=$(sed -n 's/^lxc.net.0.hwaddr = //p' "$h")
[ "$mac" != 00:16:3e:11:22:33 ] && [[ $mac == 00:16:3e:* ]] && pass "new hwaddr $mac" || fail_check "new hwaddr: $mac"
expect_contains "clone hook: LXC_SRC_NAME" "LXC_SRC_NAME=$n" "$(cat "$tmp/clone-hook.env" 2>/dev/null)"
expect_contains "clone hook: LXC_NAME" "LXC_NAME=$n-h" "$(cat "$tmp/clone-hook.env" 2>/dev/null)"
expect_contains "clone hook: LXC_ROOTFS_MOUNT" "LXC_ROOTFS_MOUNT=$P/$n-h/rootfs" "$(cat "$tmp/clone-hook.env" 2>/dev/null)"
expect_rc "copy -M" 0 copy -n "$n" -N "$n-m" -M -K
expect_contains "hwaddr kept with -M" "lxc.net.0.hwaddr = 00:16:3e:11:22:33" "$(cat "$P/$n-m/config")"
expect_eq "uts name kept with -K" "$(grep '^lxc.uts.name' "$cfg")" "$(grep '^lxc.uts.name' "$P/$n-m/config")"

# Another lxcpath, and rename.
P2=$tmp/other
expect_rc "copy -p" 0 copy -n "$n" -N "$n-p" -p "$P2"
expect_contains "copy -p rootfs" "lxc.rootfs.path = dir:$P2/$n-p/rootfs" "$(cat "$P2/$n-p/config")"
expect_rc "destroy in other lxcpath" 0 "$BIN/lxc-destroy" -P "$P2" -n "$n-p"
expect_rc "rename -R" 0 copy -n "$n-m" -N "$n-renamed" -R
[ -d "$P/$n-m" ] && fail_check "renamed container gone" || pass "renamed container gone"
works "$n-renamed" "renamed"
expect_contains "renamed hostname" "$n-renamed" "$last_out"
finish
