#!/usr/bin/env bash
# lvm: a volume group on a loop device the test makes; snapshots are lvm
# snapshots. Needs the device mapper (dm-mod) and lvm2.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/storage_lib.sh"
command -v lvcreate >/dev/null || skip "needs lvm2"
[ -e /dev/mapper/control ] || skip "no device mapper in this kernel (/dev/mapper/control missing, dm-mod not available): lvm cannot work here"

vg=stlxcvg$$
truncate -s 600M "$tmp/pv.img"
dev=$(losetup --show -f "$tmp/pv.img")
extra_cleanup() {
  vgremove -f "$vg" >/dev/null 2>&1
  pvremove -f "$dev" >/dev/null 2>&1
  losetup -d "$dev"
}
pvcreate -q "$dev" >/dev/null && vgcreate -q "$vg" "$dev" >/dev/null || skip "cannot make a volume group"
loops_of() { losetup -a 2>/dev/null | grep -F "$1" | grep -vF pv.img || true; }

lifecycle lvm stlvm --vgname "$vg" --fssize 64M
expect_eq "no logical volume left" "" "$(lvs --noheadings "$vg" 2>/dev/null)"
finish
