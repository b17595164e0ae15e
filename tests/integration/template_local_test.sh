#!/usr/bin/env bash
# The built-in local template on a small busybox rootfs tarball: every
# compression, owners / modes / xattrs / device nodes / links kept, --no-dev,
# --metadata with config, templates, excludes, create-message and fstab, a
# container that starts, and tarballs that try to write outside the rootfs.
. "$(dirname "$0")/lib.sh"
need_root
for t in xz zstd bzip2 gzip python3; do command -v $t >/dev/null || skip "needs $t"; done
grep -q 'not a dynamic executable' <<<"$(ldd /bin/busybox 2>&1 || true)" || skip "needs a static /bin/busybox"

tmp=$(mktemp -d /tmp/lxcpp-test-tplocal.XXXXXX)
P=$tmp/lxc
trap 'remove_lxcpath "$P"; rm -rf "$tmp"' EXIT
create() { "$BIN/lxc-create" -P "$P" "$@"; }

# --- a busybox rootfs with one of everything, as a tarball ------------------
"$BIN/lxc-create" -P "$tmp/src" -n tp-src -t busybox >/dev/null 2>&1 || fail_check "busybox source rootfs"
src=$tmp/src/tp-src/rootfs
mknod -m 666 "$src/dev/null" c 1 3
mknod -m 600 "$src/dev/sda" b 8 0
mkfifo -m 640 "$src/dev/fifo"
echo owned >"$src/root/owned"
chown 1234:5678 "$src/root/owned"
chmod 4750 "$src/root/owned"
ln "$src/root/owned" "$src/root/hardlink"
ln -s ../bin/busybox "$src/root/symlink"
echo secret >"$src/root/excluded-file"
mkdir -p "$src/var/log/excluded-dir" && echo x >"$src/var/log/excluded-dir/x"
echo "name=LXC_NAME path=LXC_PATH rootfs=LXC_ROOTFS" >"$src/etc/hostname"
cp /bin/busybox "$src/bin/capped"
# cap_net_raw+p (VFS_CAP_REVISION_2): security.capability must survive.
python3 -c 'import os,struct,sys; os.setxattr(sys.argv[1], "security.capability", struct.pack("<IIIII", 0x02000000, 1 << 13, 0, 0, 0))' "$src/bin/capped"
python3 -c 'import os,sys; os.setxattr(sys.argv[1], "user.lxcpp", b"kept")' "$src/root/owned"
busybox_lines=$(grep '^lxc\.' "$tmp/src/tp-src/config" | grep -v '^lxc.rootfs.path\|^lxc.uts.name')
tar -C "$src" --numeric-owner --xattrs --xattrs-include='*' -cf "$tmp/rootfs.tar" .
"$BIN/lxc-destroy" -P "$tmp/src" -n tp-src >/dev/null 2>&1 || rm -rf "$tmp/src"
xz -T0 -1 -k "$tmp/rootfs.tar"; zstd -q -k "$tmp/rootfs.tar"; bzip2 -k "$tmp/rootfs.tar"; gzip -k "$tmp/rootfs.tar"

# --- every compression, everything kept ---------------------------------------
for ext in tar tar.xz tar.zst tar.bz2 tar.gz; do
  n=tp-local-${ext//./-}
  expect_rc "local --fstree rootfs.$ext" 0 create -n "$n" -t local -- --fstree "$tmp/rootfs.$ext"
  expect_eq "$ext: busybox runs in it" ok "$(chroot "$P/$n/rootfs" /bin/sh -c 'echo ok' 2>&1)"
done
r=$P/tp-local-tar-xz/rootfs
expect_eq "owner and mode kept" "1234:5678 4750" "$(stat -c '%u:%g %a' "$r/root/owned")"
expect_eq "hard link kept" "$(stat -c %i "$r/root/owned")" "$(stat -c %i "$r/root/hardlink")"
expect_eq "symlink kept" "../bin/busybox" "$(readlink "$r/root/symlink")"
expect_eq "char device kept" "character special file 1,3 666" "$(stat -c '%F %t,%T %a' "$r/dev/null")"
expect_eq "block device kept" "block special file 8,0" "$(stat -c '%F %t,%T' "$r/dev/sda")"
expect_eq "fifo kept" "fifo 640" "$(stat -c '%F %a' "$r/dev/fifo")"
expect_eq "setuid busybox kept" 6755 "$(stat -c %a "$r/bin/busybox")"
expect_eq "security.capability kept" 0000000200200000000000000000000000000000 \
  "$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "security.capability").hex())' "$r/bin/capped" 2>&1)"
expect_eq "user xattr kept" kept "$(python3 -c 'import os,sys; print(os.getxattr(sys.argv[1], "user.lxcpp").decode())' "$r/root/owned" 2>&1)"
cfg=$P/tp-local-tar-xz/config
expect_eq "header names lxc-local" "# Template used to create this container: /usr/share/lxc/templates/lxc-local" "$(sed -n 1p "$cfg")"
expect_eq "header parameters" "# Parameters passed to the template: --fstree $tmp/rootfs.tar.xz" "$(sed -n 2p "$cfg")"
expect_contains "no metadata: lxcpp's defaults" "lxc.mount.auto = cgroup:mixed proc:mixed sys:mixed" "$(cat "$cfg")"
expect_contains "uts name" "lxc.uts.name = tp-local-tar-xz" "$(cat "$cfg")"
expect_eq "rootfs.path once" 1 "$(grep -c '^lxc.rootfs.path = dir:' "$cfg")"
[ -d "$r/dev/pts" ] && pass "dev/pts made" || fail_check "dev/pts missing"

# --- --no-dev -------------------------------------------------------------------
expect_rc "local --no-dev" 0 create -n tp-local-nodev -t local -- --fstree "$tmp/rootfs.tar.zst" --no-dev
r=$P/tp-local-nodev/rootfs
expect_eq "--no-dev: /dev is empty but for pts" "pts" "$(ls "$r/dev")"
[ -f "$r/root/owned" ] && pass "--no-dev: the rest is there" || fail_check "--no-dev lost files"

# --- metadata: config, templates, excludes, create-message, fstab -------------
mkdir -p "$tmp/meta"
{
  echo "$busybox_lines"
  echo "lxc.environment = WHO=LXC_NAME"
} >"$tmp/meta/config"
printf 'etc/hostname\nmissing/file\n' >"$tmp/meta/templates"
printf './root/excluded-*\nvar/log/excluded-dir\n' >"$tmp/meta/excludes"
printf 'Welcome to LXC_NAME.\n' >"$tmp/meta/create-message"
printf 'tmpfs LXC_ROOTFS/mnt tmpfs defaults 0 0\n' >"$tmp/meta/fstab"
tar -C "$tmp/meta" -cJf "$tmp/meta.tar.xz" .
printf '# base config\nlxc.net.0.type = empty\nlxc.environment = FROM=base\n' >"$tmp/base.conf"
n=tp-local-meta
out=$(create -n "$n" -f "$tmp/base.conf" -t local -- --fstree "$tmp/rootfs.tar.gz" --metadata "$tmp/meta.tar.xz" 2>&1) && rc=0 || rc=$?
expect_eq "local --metadata (exit status)" 0 "$rc"
expect_contains "create-message shown" "Welcome to LXC_NAME." "$out"
c=$P/$n
expect_eq "templates: placeholders filled" "name=$n path=$c rootfs=$c/rootfs" "$(cat "$c/rootfs/etc/hostname")"
[ ! -e "$c/rootfs/root/excluded-file" ] && pass "excluded file left out" || fail_check "excluded file extracted"
[ ! -e "$c/rootfs/var/log/excluded-dir" ] && pass "excluded dir left out" || fail_check "excluded dir extracted"
[ -f "$c/rootfs/root/owned" ] && pass "the rest extracted" || fail_check "too much excluded"
expect_eq "fstab copied, filled" "tmpfs $c/rootfs/mnt tmpfs defaults 0 0" "$(cat "$c/fstab")"
conf=$(cat "$c/config")
expect_contains "image config, filled" "lxc.environment = WHO=$n" "$conf"
expect_contains "fstab line" "lxc.mount.fstab = $c/fstab" "$conf"
expect_eq "LXC's layout" "# base config
# Distribution configuration
lxc.environment = WHO=$n
# Container specific configuration
lxc.environment = FROM=base
lxc.rootfs.path = dir:$c/rootfs
lxc.mount.fstab = $c/fstab
lxc.uts.name = $n
# Network configuration
lxc.net.0.type = empty" "$(grep -E '^# (base|Distribution|Container specific|Network) config|^lxc.(environment|rootfs.path|mount.fstab|uts.name|net)' "$c/config" || true)"
"$BIN/lxc-start" -P "$P" -n "$n" -d >/dev/null 2>&1
expect_eq "the container runs" "State:          RUNNING" "$("$BIN/lxc-info" -P "$P" -n "$n" -s 2>&1)"
expect_eq "its hostname" "$n" "$("$BIN/lxc-attach" -P "$P" -n "$n" -- hostname 2>&1)"
expect_eq "its fstab mount" tmpfs "$("$BIN/lxc-attach" -P "$P" -n "$n" -- stat -f -c %T /mnt 2>&1)"
"$BIN/lxc-stop" -P "$P" -n "$n" -k >/dev/null 2>&1
expect_nothing_left "$n" "$P"

# --- bad input ----------------------------------------------------------------
expect_rc "no --fstree" 1 create -n tp-local-bad -t local
expect_rc "missing tarball" 1 create -n tp-local-bad -t local -- --fstree "$tmp/nosuch.tar"
head -c 100000 "$tmp/rootfs.tar.xz" >"$tmp/cut.tar.xz"
out=$(create -n tp-local-bad -t local -- --fstree "$tmp/cut.tar.xz" 2>&1) && rc=0 || rc=$?
expect_eq "truncated tarball (exit status)" 1 "$rc"
expect_contains "truncated tarball: says why" "cannot unpack $tmp/cut.tar.xz" "$out"
head -c 4096 /dev/urandom >"$tmp/garbage.tar.gz"
expect_rc "garbage tarball" 1 create -n tp-local-bad -t local -- --fstree "$tmp/garbage.tar.gz"
expect_rc "garbage metadata" 1 create -n tp-local-bad -t local -- --fstree "$tmp/rootfs.tar" --metadata "$tmp/garbage.tar.gz"
[ ! -e "$P/tp-local-bad" ] && pass "bad input: nothing left" || fail_check "bad input left $P/tp-local-bad"

# --- tarballs that reach outside the rootfs ----------------------------------
mkdir -p "$tmp/victim"
python3 - "$tmp" <<'PY'
import io, sys, tarfile
tmp = sys.argv[1]
def add(t, name, data=b"pwned", **kw):
    i = tarfile.TarInfo(name); i.size = len(data)
    for k, v in kw.items(): setattr(i, k, v)
    t.addfile(i, io.BytesIO(data) if i.type == tarfile.REGTYPE else None)
with tarfile.open(f"{tmp}/dotdot.tar", "w") as t:
    add(t, "../../victim/dotdot")
with tarfile.open(f"{tmp}/symlink.tar", "w") as t:
    i = tarfile.TarInfo("escape"); i.type = tarfile.SYMTYPE; i.linkname = f"{tmp}/victim"; t.addfile(i)
    add(t, "escape/through-symlink")
with tarfile.open(f"{tmp}/hardlink.tar", "w") as t:
    i = tarfile.TarInfo("hl"); i.type = tarfile.LNKTYPE; i.linkname = "../../victim/target"; t.addfile(i)
with tarfile.open(f"{tmp}/absolute.tar", "w") as t:
    add(t, f"/{tmp.lstrip('/')}/victim/absolute")
PY
echo original >"$tmp/victim/target"
for t in dotdot symlink hardlink; do
  expect_rc "$t tarball refused" 1 create -n tp-local-evil -t local -- --fstree "$tmp/$t.tar"
  [ ! -e "$P/tp-local-evil" ] && pass "$t: nothing left" || fail_check "$t left a container"
done
expect_rc "absolute names stay inside" 0 create -n tp-local-abs -t local -- --fstree "$tmp/absolute.tar"
[ -f "$P/tp-local-abs/rootfs/$tmp/victim/absolute" ] && pass "absolute name extracted inside" || fail_check "absolute name lost"
expect_eq "nothing written outside" "target" "$(ls "$tmp/victim")"
expect_eq "hard link target untouched" original "$(cat "$tmp/victim/target")"

finish
