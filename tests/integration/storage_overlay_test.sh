#!/usr/bin/env bash
# overlay: lxc-copy -s of a dir container (LXC 5's layout and dependency
# files), writes going to the clone's delta, snapshot/restore of the clone,
# a base with clones refused, destroy -s taking the clones along; an
# ephemeral copy (-e) that is gone once stopped, with -t on a tmpfs, -m bind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/storage_lib.sh"
grep -qw overlay /proc/filesystems || skip "no overlayfs in this kernel"

b=stov-base
expect_rc "create base" 0 create -n $b -t busybox
run_in $b /bin/sh -c 'echo base > /marker' >/dev/null 2>&1
t0=$(date +%s%N)
expect_rc "copy -s (overlay snapshot of dir)" 0 copy -n $b -N stov -s
t1=$(date +%s%N)
echo "info lxc-copy -s took $(((t1 - t0) / 1000000)) ms"
expect_eq "overlay rootfs path (LXC 5 layout)" "overlay:$P/$b/rootfs:$P/stov/overlay/delta" "$(rootfs_of stov)"
expect_eq "base lists the clone (lxc_snapshots)" "$P
stov" "$(cat "$P/$b/lxc_snapshots")"
expect_eq "clone names its base (lxc_rdepends)" "$P
$b" "$(cat "$P/stov/lxc_rdepends")"
works stov "overlay clone"
expect_eq "overlay clone sees the base" "stov
base" "$last_out"
run_in stov /bin/sh -c 'echo clone > /marker' >/dev/null 2>&1
expect_eq "write goes to the delta" "clone" "$(cat "$P/stov/overlay/delta/marker")"
expect_eq "base untouched" "base" "$(cat "$P/$b/rootfs/marker")"
"$BIN/lxc-start" -P "$P" -n stov >/dev/null 2>&1 && pass "overlay clone starts" || fail_check "overlay clone starts"
expect_eq "attach hostname" stov "$("$BIN/lxc-attach" -P "$P" -n stov -- hostname 2>/dev/null)"
"$BIN/lxc-stop" -P "$P" -n stov -k >/dev/null 2>&1

# /etc/hostname of a clone gets its name, written into the delta without
# mounting (an offline copy-up); the base keeps its own.
echo "$b" >"$P/$b/rootfs/etc/hostname"
expect_rc "clone of a base with /etc/hostname" 0 copy -n $b -N stov-h -s
expect_eq "the clone's delta has its hostname" "stov-h" "$(cat "$P/stov-h/overlay/delta/etc/hostname")"
expect_eq "the delta's etc has the base's mode" "$(stat -c %a "$P/$b/rootfs/etc")" "$(stat -c %a "$P/stov-h/overlay/delta/etc")"
expect_eq "the clone sees its hostname" "stov-h" "$(run_in stov-h /bin/cat /etc/hostname 2>/dev/null)"
expect_eq "the base keeps its hostname" "$b" "$(cat "$P/$b/rootfs/etc/hostname")"
expect_rc "destroy that clone" 0 destroy -n stov-h
rm "$P/$b/rootfs/etc/hostname"

out=$(destroy -n $b 2>&1) && fail_check "destroy of a base with clones refused" || pass "destroy of a base with clones refused"
expect_contains "has clones message" "Destroying $b failed: $b has clones" "$out"
[ -f "$P/$b/config" ] && pass "base still there" || fail_check "base still there"

# Snapshot of the overlay clone: same lower, a copy of the delta.
expect_rc "snapshot of overlay clone" 0 snap -n stov -c <(echo "first snapshot")
expect_eq "snapshot rootfs" "overlay:$P/$b/rootfs:$P/stov/snaps/snap0/overlay/delta" "$(rootfs_of stov/snaps/snap0)"
expect_eq "snapshot -L -C" "snap0 ($P/stov/snaps) $(cat "$P/stov/snaps/snap0/ts")
first snapshot" "$(snap -n stov -L -C)"
run_in stov /bin/sh -c 'echo changed > /marker' >/dev/null 2>&1
expect_rc "restore over the overlay clone" 0 snap -n stov -r snap0
works stov "restored overlay clone"
expect_eq "restored overlay data" "stov
clone" "$last_out"
expect_rc "restore to a new name" 0 snap -n stov -r snap0 stov-r
works stov-r "overlay restore to new name"
expect_contains "new name data" "clone" "$last_out"

# Ephemeral: started at once, gone when stopped.
out=$(copy -n $b -e -N stov-eph -m bind=$tmp:/mnt/host:ro 2>&1) || true
expect_contains "ephemeral created" "Created stov-eph as clone of $b" "$out"
expect_eq "ephemeral running" RUNNING "$("$BIN/lxc-info" -P "$P" -n stov-eph -s 2>/dev/null | awk '{print $2}')"
echo hosted >"$tmp/hostfile"
expect_eq "-m bind mount" hosted "$("$BIN/lxc-attach" -P "$P" -n stov-eph -- cat /mnt/host/hostfile 2>/dev/null)"
"$BIN/lxc-stop" -P "$P" -n stov-eph -k >/dev/null 2>&1
for _ in $(seq 50); do [ -e "$P/stov-eph" ] || break; sleep 0.1; done
[ -e "$P/stov-eph" ] && fail_check "ephemeral destroyed on stop" || pass "ephemeral destroyed on stop"
out=$(copy -n $b -e -t 2>&1) || true
eph=$(sed -n 's/^Created \(.*\) as clone of .*/\1/p' <<<"$out")
[[ $eph == ${b}_?????? ]] && pass "random ephemeral name $eph" || fail_check "random ephemeral name: $out"
"$BIN/lxc-attach" -P "$P" -n "$eph" -- /bin/sh -c 'echo x > /tmpfsfile' 2>/dev/null
[ -e "$P/$eph/overlay/delta/tmpfsfile" ] && fail_check "-t keeps the delta off the disk" || pass "-t keeps the delta off the disk"
"$BIN/lxc-stop" -P "$P" -n "$eph" -k >/dev/null 2>&1
for _ in $(seq 50); do [ -e "$P/$eph" ] || break; sleep 0.1; done
[ -e "$P/$eph" ] && fail_check "tmpfs ephemeral destroyed" || pass "tmpfs ephemeral destroyed"

# destroy -s of the base takes its clones (and their snapshots) along.
expect_rc "destroy -s of the base" 0 destroy -n $b -s
expect_eq "base and clones gone" "" "$(ls "$P")"
expect_eq "no mounts left" "" "$(grep -F "$P" /proc/self/mountinfo || true)"
finish
