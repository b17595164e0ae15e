#!/usr/bin/env bash
# Builds and boots a throw-away VM (qemu, software emulation) that runs a
# script on a host of another kind than this one, e.g. a cgroup2-only host
# (cgroup_no_v1=all) when the test machine itself is hybrid.
#
#   make_vm.sh SCRIPT [KERNEL_ARGS...]
#
# The VM's root filesystem is an initramfs with busybox, bash, lxcpp (from
# $LXCPP_BIN, with the shared libraries it needs) and tests/integration/lib.sh;
# SCRIPT runs as root with LXCPP_BIN=/lxcpp and its output comes back on this
# script's stdout. The kernel is Debian's, fetched with apt-get download into
# a cache outside the checkout. Exit status: SCRIPT's, or 77 when the VM cannot
# be made here.
set -euo pipefail
script=$1
shift
: "${LXCPP_BIN:?}"
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cache=${LXCPP_TEST_CACHE:-/var/cache/lxcpp-test}/kernel
command -v qemu-system-x86_64 >/dev/null || { echo "SKIP: qemu-system-x86_64 is not installed"; exit 77; }
command -v cpio >/dev/null || { echo "SKIP: cpio is not installed"; exit 77; }

# ---- the kernel: Debian 12's current one, kept in the cache
mkdir -p "$cache"
kernel=$(ls "$cache"/vmlinuz-* 2>/dev/null | head -1 || true)
if [ -z "$kernel" ]; then
  pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-/{print $2; exit}')
  [ -n "$pkg" ] || { echo "SKIP: no linux-image package known to apt"; exit 77; }
  dl=$(mktemp -d)
  (cd "$dl" && apt-get download "$pkg" >/dev/null 2>&1) || { rm -rf "$dl"; echo "SKIP: cannot download $pkg"; exit 77; }
  dpkg-deb --fsys-tarfile "$dl"/*.deb | tar -x -C "$dl" ./boot
  cp "$dl"/boot/vmlinuz-* "$cache"/
  rm -rf "$dl"
  kernel=$(ls "$cache"/vmlinuz-* | head -1)
fi

# ---- the initramfs
work=$(mktemp -d /tmp/lxcpp-vm-XXXXXX)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,sbin,lib,lib64,usr/bin,proc,sys,dev,tmp,run,etc,lxcpp,newroot}
cp /bin/busybox "$root/bin/busybox"
copy_with_libs() { # copy_with_libs BINARY DEST: the binary and every library ldd names, at their paths
  cp "$1" "$2"
  ldd "$1" | grep -o '/[^ ]*' | while read -r lib; do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
}
copy_with_libs /bin/bash "$root/bin/bash"
copy_with_libs "$LXCPP_BIN/lxcpp" "$root/lxcpp/lxcpp"
for l in "$LXCPP_BIN"/lxc-*; do ln -s lxcpp "$root/lxcpp/$(basename "$l")"; done
cp "$here/../integration/lib.sh" "$script" "$root/"
echo "root:x:0:0:root:/root:/bin/sh" >"$root/etc/passwd"
echo "root:x:0:" >"$root/etc/group"
cat >"$root/init" <<'INIT'
#!/bin/busybox sh
# initramfs is rootfs, which pivot_root cannot leave: run from a tmpfs copy.
/bin/busybox mount -t tmpfs -o size=400m tmpfs /newroot
for d in /*; do [ "$d" = /newroot ] || /bin/busybox cp -a "$d" /newroot/; done
exec /bin/busybox switch_root /newroot /bin/busybox sh /init2
INIT
cat >"$root/init2" <<INIT2
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
mkdir -p /dev/pts && mount -t devpts devpts /dev/pts
grep -q 'cgroup_no_v1=all' /proc/cmdline && mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t tmpfs tmpfs /run
echo VM-BOOTED
cd / && LXCPP_BIN=/lxcpp PATH=/lxcpp:/bin:/sbin /bin/bash /$(basename "$script")
echo "VM-EXIT \$?"
poweroff -f
INIT2
chmod +x "$root/init"
(cd "$root" && find . | cpio -o -H newc 2>/dev/null | gzip -1) >"$work/initrd.gz"

# ---- boot it (software emulation: KVM is not usable on every test machine)
log=$work/console.log
timeout "${VM_TIMEOUT:-600}" qemu-system-x86_64 -accel tcg -m 1024 -smp 2 -nographic -no-reboot \
  -kernel "$kernel" -initrd "$work/initrd.gz" \
  -append "console=ttyS0 panic=-1 loglevel=3 $*" >"$log" 2>&1 || true
tr -d '\r' <"$log" | sed -n '/VM-BOOTED/,/^VM-EXIT/p'
rc=$(tr -d '\r' <"$log" | awk '/^VM-EXIT/{print $2}')
if [ -z "$rc" ]; then
  echo "the VM did not finish; its console said:"
  tr -d '\r' <"$log" | tail -30
  exit 1
fi
exit "$rc"
