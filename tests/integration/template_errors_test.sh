#!/usr/bin/env bash
# lxc-create's failures with the built-in templates: a full disk (a small
# loop-mounted ext4 as lxcpath), a name that exists, a corrupt tarball, an
# image without a config: a clear message, exit 1, no half-made container
# and no mount left.
. "$(dirname "$0")/lib.sh"
need_root
for t in mkfs.ext4 losetup xz python3; do command -v $t >/dev/null || skip "needs $t"; done
grep -q 'not a dynamic executable' <<<"$(ldd /bin/busybox 2>&1 || true)" || skip "needs a static /bin/busybox"

tmp=$(mktemp -d /tmp/lxcpp-test-tperr.XXXXXX)
small=$tmp/small
cleanup() {
  remove_lxcpath "$tmp/lxc"
  if mountpoint -q "$small"; then
    "$BIN/lxc-destroy" -P "$small" -n tp-fits >/dev/null 2>&1 || true
    umount "$small" || true
  fi
  rm -rf "$tmp"
}
trap cleanup EXIT

# A rootfs tarball too big for the small filesystem: busybox and 24 MiB of noise.
"$BIN/lxc-create" -P "$tmp/src" -n tp-src -t busybox >/dev/null 2>&1 || fail_check "busybox source rootfs"
head -c $((24 << 20)) /dev/urandom >"$tmp/src/tp-src/rootfs/root/noise"
tar -C "$tmp/src/tp-src/rootfs" --numeric-owner -cf - . | xz -T0 -0 >"$tmp/big.tar.xz"
rm "$tmp/src/tp-src/rootfs/root/noise"
tar -C "$tmp/src/tp-src/rootfs" --numeric-owner -cJf "$tmp/small.tar.xz" .
"$BIN/lxc-destroy" -P "$tmp/src" -n tp-src >/dev/null 2>&1

# --- a full disk --------------------------------------------------------------------
truncate -s 16M "$tmp/fs.img"
mkfs.ext4 -q -F "$tmp/fs.img"
mkdir -p "$small"
mount -o loop "$tmp/fs.img" "$small" || skip "cannot loop-mount (no loop devices?)"
used_before=$(df -k --output=used "$small" | tail -1)
out=$("$BIN/lxc-create" -P "$small" -n tp-full -t local -- --fstree "$tmp/big.tar.xz" 2>&1) && rc=0 || rc=$?
expect_eq "full disk (exit status)" 1 "$rc"
expect_contains "full disk: says why" "No space left on device" "$out"
expect_eq "full disk: nothing left" "" "$(ls -A "$small" | grep -v lost+found || true)"
used_after=$(df -k --output=used "$small" | tail -1)
expect_eq "full disk: space given back" 1 "$([ $((used_after - used_before)) -lt 1024 ] && echo 1 || echo "$used_before -> $used_after KiB")"
expect_rc "the small image still fits" 0 "$BIN/lxc-create" -P "$small" -n tp-fits -t local -- --fstree "$tmp/small.tar.xz"
expect_rc "and is destroyed" 0 "$BIN/lxc-destroy" -P "$small" -n tp-fits
umount "$small"
expect_eq "no mount left" "" "$(grep "$tmp" /proc/self/mountinfo || true)"

# --- a name that exists ---------------------------------------------------------------
P=$tmp/lxc
"$BIN/lxc-create" -P "$P" -n tp-exists -t local -- --fstree "$tmp/small.tar.xz" >/dev/null 2>&1
before=$(find "$P/tp-exists" -printf '%p %m %s\n' | sort | sha256sum)
out=$("$BIN/lxc-create" -P "$P" -n tp-exists -t local -- --fstree "$tmp/big.tar.xz" 2>&1) && rc=0 || rc=$?
expect_eq "existing name (exit status)" 1 "$rc"
expect_contains "existing name: says so" "Container already exists" "$out"
expect_eq "existing container untouched" "$before" "$(find "$P/tp-exists" -printf '%p %m %s\n' | sort | sha256sum)"

# --- corrupt tarballs and metadata ------------------------------------------------------
cp "$tmp/small.tar.xz" "$tmp/corrupt.tar.xz"
python3 -c 'import sys; b = bytearray(open(sys.argv[1], "rb").read()); b[20000:20016] = bytes(x ^ 0xff for x in b[20000:20016]); open(sys.argv[1], "wb").write(b)' "$tmp/corrupt.tar.xz"
out=$("$BIN/lxc-create" -P "$P" -n tp-corrupt -t local -- --fstree "$tmp/corrupt.tar.xz" 2>&1) && rc=0 || rc=$?
expect_eq "corrupt tarball (exit status)" 1 "$rc"
expect_contains "corrupt tarball: names it" "$tmp/corrupt.tar.xz" "$out"
[ ! -e "$P/tp-corrupt" ] && pass "corrupt tarball: nothing left" || fail_check "corrupt tarball left a container"
mkdir -p "$tmp/meta" && echo hello >"$tmp/meta/create-message" && tar -C "$tmp/meta" -cJf "$tmp/meta.tar.xz" .
expect_rc "metadata without config: lxcpp's defaults" 0 "$BIN/lxc-create" -P "$P" -n tp-noconf -t local -- \
  --fstree "$tmp/small.tar.xz" --metadata "$tmp/meta.tar.xz"
expect_contains "defaults written" "lxc.mount.auto = cgroup:mixed proc:mixed sys:mixed" "$(cat "$P/tp-noconf/config")"
finish
