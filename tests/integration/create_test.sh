#!/usr/bin/env bash
# lxc-create (busybox template, dir storage, -t none, script templates,
# default.conf and -f) and lxc-destroy of stopped containers, as root, in a
# temporary lxcpath. The default.conf part runs in a private mount namespace
# so that /etc/lxc of the host is never touched.
. "$(dirname "$0")/lib.sh"
need_root
command -v unshare >/dev/null || skip "needs unshare"
if ! [ -x /bin/busybox ] || ! grep -q 'not a dynamic executable' <<<"$(ldd /bin/busybox 2>&1 || true)"; then
  skip "needs a static /bin/busybox (apt-get install busybox-static)"
fi

tmp=$(mktemp -d /tmp/lxcpp-test-create.XXXXXX)
cleanup() {
  rm -rf "$tmp"
  rm -rf "/run/lxcpp/lock$tmp"
}
trap cleanup EXIT
P=$tmp/lxc
create() { "$BIN/lxc-create" -P "$P" "$@"; }
destroy() { "$BIN/lxc-destroy" -P "$P" "$@"; }
mode() { stat -c %a "$1"; }

# --- busybox ---------------------------------------------------------------
n=lxcpp-test-create-bb
t0=$(date +%s%N)
expect_rc "create -t busybox" 0 create -n "$n" -t busybox
t1=$(date +%s%N)
echo "info lxc-create -t busybox took $(( (t1 - t0) / 1000000 )) ms"
cfg=$P/$n/config
root=$P/$n/rootfs
expect_eq "container dir mode" 770 "$(mode "$P/$n")"
expect_eq "config mode" 640 "$(mode "$cfg")"
expect_eq "header line 1" "# Template used to create this container: /usr/share/lxc/templates/lxc-busybox" "$(sed -n 1p "$cfg")"
expect_eq "header line 2" "# Parameters passed to the template:" "$(sed -n 2p "$cfg")"
expect_eq "header line 3" "# For additional config options, please look at lxc.container.conf(5)" "$(sed -n 3p "$cfg")"
expect_eq "nesting hint" "#lxc.include = ${LXCPP_TEMPLATE_CONFIG:-/usr/share/lxc/config}/nesting.conf" "$(sed -n 6p "$cfg")"
conf=$(cat "$cfg")
for line in "lxc.rootfs.path = dir:$root" "lxc.uts.name = \"$n\"" "lxc.signal.halt = SIGUSR1" \
  "lxc.signal.reboot = SIGTERM" "lxc.autodev = 1" "lxc.tty.max = 5" "lxc.pty.max = 1" \
  "lxc.cap.drop = sys_module mac_admin mac_override sys_time" "lxc.mount.auto = cgroup:mixed proc:mixed sys:ro" \
  "lxc.mount.entry = shm dev/shm tmpfs defaults,create=dir 0 0" \
  "lxc.mount.entry = /sys/kernel/security sys/kernel/security none ro,bind,optional 0 0"; do
  if grep -qxF -- "$line" "$cfg"; then pass "config has: $line"; else fail_check "config lacks: $line"; fi
done
[ -d /usr/lib ] && expect_contains "host /usr/lib bind-mounted" "lxc.mount.entry = /usr/lib usr/lib none ro,bind 0 0" "$conf"
rootfs_line=$(grep -n '^lxc.rootfs.path' "$cfg" | cut -d: -f1)
uts_line=$(grep -n '^lxc.uts.name' "$cfg" | cut -d: -f1)
if [ "$rootfs_line" -lt "$uts_line" ]; then pass "rootfs.path before the template's lines"; else fail_check "order"; fi
expect_eq "one rootfs.path line" 1 "$(grep -c '^lxc.rootfs.path' "$cfg")"

[ -f "$root/bin/busybox" ] && pass "bin/busybox" || fail_check "bin/busybox missing"
expect_eq "sbin/init is a hard link of busybox" "$(stat -c %i "$root/bin/busybox")" "$(stat -c %i "$root/sbin/init")"
expect_eq "busybox setuid/setgid (chmod +s bin/passwd)" 6755 "$(mode "$root/bin/busybox")"
links=$(find "$root/bin" -type l | wc -l)
if [ "$links" -gt 100 ]; then pass "applet links: $links"; else fail_check "applet links: only $links"; fi
expect_eq "bin/sh links to busybox" busybox "$(readlink "$root/bin/sh")"
expect_eq "applets == busybox --list" "$(busybox --list | grep -v busybox | sort)" "$(find "$root/bin" -type l -printf '%f\n' | sort)"
expect_eq "inittab" "::sysinit:/etc/init.d/rcS
tty1::respawn:/bin/getty -L tty1 115200 vt100
console::askfirst:/bin/sh" "$(cat "$root/etc/inittab")"
expect_eq "passwd" "root:x:0:0:root:/root:/bin/sh" "$(cat "$root/etc/passwd")"
expect_eq "group" "root:x:0:root" "$(cat "$root/etc/group")"
expect_eq "rcS" "#!/bin/sh
/bin/syslogd
/bin/mount -a
/bin/udhcpc" "$(cat "$root/etc/init.d/rcS")"
expect_eq "rcS mode" 744 "$(mode "$root/etc/init.d/rcS")"
expect_eq "tmp mode" 1777 "$(mode "$root/tmp")"
for f in etc/fstab etc/shadow; do [ -f "$root/$f" ] && pass "$f" || fail_check "$f missing"; done
for d in dev/pts proc sys home root mnt var/log var/run usr/bin usr/sbin lib usr/lib lib64 usr/lib64 selinux; do
  [ -d "$root/$d" ] || fail_check "dir $d missing"
done
pass "directory tree"
script=$(find "$root/etc" "$root/usr" -name default.script | head -1)
[ -n "$script" ] && expect_eq "udhcpc script mode" 744 "$(mode "$script")"
expect_eq "chroot shell works" ok "$(chroot "$root" /bin/sh -c 'echo ok' 2>&1)"
expect_eq "chroot applets work" "/etc/inittab" "$(chroot "$root" /bin/ls /etc/inittab 2>&1)"

# --- an existing name: exit 1, nothing touched ------------------------------
sum_before=$(sha256sum "$cfg")
tree_before=$(find "$P/$n" -printf '%p %m %s\n' | sort | sha256sum)
out=$(create -n "$n" -t busybox 2>&1) && rc=0 || rc=$?
expect_eq "existing name (exit status)" 1 "$rc"
expect_contains "existing name message" "Container already exists" "$out"
expect_eq "config untouched" "$sum_before" "$(sha256sum "$cfg")"
expect_eq "tree untouched" "$tree_before" "$(find "$P/$n" -printf '%p %m %s\n' | sort | sha256sum)"

# --- bad input leaves nothing -----------------------------------------------
out=$(create -n lxcpp-test-create-bad -t nosuch 2>&1) && rc=0 || rc=$?
expect_eq "unknown template (exit status)" 1 "$rc"
expect_contains "unknown template message" 'Template "nosuch" not found' "$out"
[ ! -e "$P/lxcpp-test-create-bad" ] && pass "unknown template: nothing left" || fail_check "unknown template left a dir"
cat > "$tmp/failing-template" <<'SH'
#!/bin/sh
for a in "$@"; do case "$a" in --rootfs=*) r=${a#--rootfs=};; esac; done
mkdir -p "$r/half/made"; echo junk > "$r/half/made/file"
echo "failing on purpose" >&2
exit 3
SH
chmod +x "$tmp/failing-template"
expect_rc "template failing halfway" 1 create -n lxcpp-test-create-fail -t "$tmp/failing-template"
[ ! -e "$P/lxcpp-test-create-fail" ] && pass "failed template: nothing left" || fail_check "failed template left $(ls -R "$P/lxcpp-test-create-fail")"
expect_rc "invalid name" 1 create -n 'lxcpp-test-create/x' -t busybox
[ ! -e "$P/lxcpp-test-create" ] && pass "invalid name: nothing made" || fail_check "invalid name made a dir"
expect_rc "unknown backing store" 1 create -n lxcpp-test-create-bdev -t busybox -B foo
expect_rc "backing store without a backend yet" 1 create -n lxcpp-test-create-bdev -t busybox -B zfs
expect_rc "block options without a block backend" 1 create -n lxcpp-test-create-bdev -t busybox --fssize 1G
[ ! -e "$P/lxcpp-test-create-bdev" ] && pass "bad backing store: nothing left" || fail_check "bad -B left a dir"
out=$(create -n lxcpp-test-create-nt 2>&1) && rc=0 || rc=$?
expect_eq "no template (exit status)" 1 "$rc"
expect_contains "no template message" "A template must be specified" "$out"
expect_rc "busybox template rejects an unknown option" 1 create -n lxcpp-test-create-opt -t busybox -- --bogus
[ ! -e "$P/lxcpp-test-create-opt" ] && pass "bad template option: nothing left" || fail_check "bad template option left a dir"

# --- -t none: a config and nothing else (as LXC) -----------------------------
expect_rc "create -t none" 0 create -n lxcpp-test-create-none -t none
expect_eq "-t none: empty config" "" "$(cat "$P/lxcpp-test-create-none/config")"
[ ! -e "$P/lxcpp-test-create-none/rootfs" ] && pass "-t none: no rootfs" || fail_check "-t none made a rootfs"

# --- a template script, with LXC's interface ----------------------------------
cat > "$tmp/script-template" <<'SH'
#!/bin/sh
for a in "$@"; do
  case "$a" in --path=*) p=${a#--path=};; --rootfs=*) r=${a#--rootfs=};; esac
done
printf '%s\n' "$@" > "$r/args"
echo "lxc.arch = x86_64" >> "$p/config"
SH
chmod +x "$tmp/script-template"
expect_rc "create -t /path/to/script" 0 create -n lxcpp-test-create-sh -t "$tmp/script-template" -- --foo 'b ar'
c=$P/lxcpp-test-create-sh
expect_eq "script arguments" "--path=$c
--name=lxcpp-test-create-sh
--rootfs=$c/rootfs
--foo
b ar" "$(cat "$c/rootfs/args")"
expect_eq "script header" "# Template used to create this container: $tmp/script-template" "$(sed -n 1p "$c/config")"
expect_eq "script parameters" "# Parameters passed to the template: --foo b ar" "$(sed -n 2p "$c/config")"
expect_eq "script config tail" "lxc.rootfs.path = dir:$c/rootfs
lxc.arch = x86_64" "$(tail -n 2 "$c/config")"

# --- --dir puts the rootfs elsewhere; destroy removes it too -------------------
expect_rc "create --dir" 0 create -n lxcpp-test-create-dir -t busybox --dir "$tmp/ext/rootfs"
expect_contains "--dir in rootfs.path" "lxc.rootfs.path = dir:$tmp/ext/rootfs" "$(cat "$P/lxcpp-test-create-dir/config")"
[ -x "$tmp/ext/rootfs/bin/busybox" ] && pass "--dir rootfs filled" || fail_check "--dir rootfs empty"
expect_rc "destroy --dir container" 0 destroy -n lxcpp-test-create-dir
[ ! -e "$tmp/ext/rootfs" ] && [ ! -e "$P/lxcpp-test-create-dir" ] && pass "--dir rootfs removed" || fail_check "--dir rootfs left"

# --- default.conf and -f, in a private mount namespace ----------------------
mkdir -p "$tmp/etc-lxc" "$tmp/ovl/upper" "$tmp/ovl/work"
cat > "$tmp/etc-lxc/default.conf" <<'CONF'
lxc.net.0.type = veth
lxc.net.0.link = lxcbr0

# from default.conf
lxc.net.0.flags = up
lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx
CONF
cat > "$tmp/custom.conf" <<'CONF'
lxc.net.0.type = empty
lxc.net.1.type = veth
lxc.net.1.link = br-custom
lxc.net.1.hwaddr=00:16:3e:xx:XX:xx
#lxc.net.1.hwaddr = 00:16:3e:xx:xx:xx
CONF
cat > "$tmp/in-ns.sh" <<SH
set -e
if [ -d /etc/lxc ]; then
  mount --bind "$tmp/etc-lxc" /etc/lxc
else
  mount -t overlay overlay -o lowerdir=/etc,upperdir=$tmp/ovl/upper,workdir=$tmp/ovl/work /etc
  mkdir /etc/lxc
  cp "$tmp/etc-lxc/default.conf" /etc/lxc/default.conf
fi
rc=0; "$BIN/lxc-create" -P "$P" -n lxcpp-test-create-def -t busybox || rc=\$?; echo \$rc > "$tmp/rc-def"
rc=0; "$BIN/lxc-create" -P "$P" -n lxcpp-test-create-f -t busybox -f "$tmp/custom.conf" || rc=\$?; echo \$rc > "$tmp/rc-f"
echo "lxc.default_config = $tmp/custom.conf" > /etc/lxc/lxc.conf
rc=0; "$BIN/lxc-create" -P "$P" -n lxcpp-test-create-sys -t none || rc=\$?; echo \$rc > "$tmp/rc-sys"
SH
etc_lxc_state() {
  if [ -d /etc/lxc ]; then ls -A /etc/lxc; cat /etc/lxc/* 2>/dev/null || true; else echo absent; fi
}
etc_lxc_before=$(etc_lxc_state)
if unshare -m --propagation private bash "$tmp/in-ns.sh"; then
  d=$P/lxcpp-test-create-def/config
  expect_eq "create with default.conf" 0 "$(cat "$tmp/rc-def")"
  expect_eq "default.conf lines, blank lines dropped" "lxc.net.0.type = veth
lxc.net.0.link = lxcbr0
# from default.conf
lxc.net.0.flags = up" "$(sed -n '9,12p' "$d")"
  if grep -qE '^lxc\.net\.0\.hwaddr = 00:16:3e(:[0-9a-f]{2}){3}$' "$d"; then pass "default.conf hwaddr filled"; else fail_check "hwaddr: $(grep hwaddr "$d")"; fi
  expect_eq "then rootfs.path" "lxc.rootfs.path = dir:$P/lxcpp-test-create-def/rootfs" "$(sed -n 14p "$d")"
  f=$P/lxcpp-test-create-f/config
  expect_eq "create -f" 0 "$(cat "$tmp/rc-f")"
  if grep -q lxcbr0 "$f"; then fail_check "-f replaces default.conf (as LXC)"; else pass "-f replaces default.conf (as LXC)"; fi
  expect_contains "-f lines kept" "lxc.net.1.link = br-custom" "$(cat "$f")"
  if grep -qE '^lxc\.net\.1\.hwaddr=00:16:3e(:[0-9a-f]{2}){3}$' "$f"; then pass "-f hwaddr filled (X too)"; else fail_check "hwaddr: $(grep hwaddr "$f")"; fi
  expect_contains "commented hwaddr kept as is" "#lxc.net.1.hwaddr = 00:16:3e:xx:xx:xx" "$(cat "$f")"
  expect_eq "lxc.default_config from lxc.conf" 0 "$(cat "$tmp/rc-sys")"
  expect_contains "lxc.default_config used" "lxc.net.1.link = br-custom" "$(cat "$P/lxcpp-test-create-sys/config")"
  expect_eq "host /etc/lxc untouched" "$etc_lxc_before" "$(etc_lxc_state)"
else
  fail_check "private mount namespace for default.conf"
fi

# --- two creations of one name at once: one wins -----------------------------
for i in 1 2 3; do
  ( rc=0; create -n lxcpp-test-create-race -t busybox > "$tmp/race$i.out" 2>&1 || rc=$?; echo $rc > "$tmp/race$i.rc" ) &
done
wait
expect_eq "concurrent creates: exactly one succeeds" "0 1 1" "$(cat "$tmp"/race?.rc | sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "losers: already exists" 2 "$(cat "$tmp"/race?.out | grep -c 'Container already exists')"
expect_eq "winner's config complete" 1 "$(grep -c '^lxc.uts.name = "lxcpp-test-create-race"' "$P/lxcpp-test-create-race/config")"

# --- a crash leftover (partial marker, no config) is cleaned up ---------------
mkdir -p "$P/lxcpp-test-create-crash/rootfs/junk"; touch "$P/lxcpp-test-create-crash/partial"
expect_rc "create over a crash leftover" 0 create -n lxcpp-test-create-crash -t busybox
[ ! -e "$P/lxcpp-test-create-crash/rootfs/junk" ] && [ ! -e "$P/lxcpp-test-create-crash/partial" ] &&
  pass "leftover replaced" || fail_check "leftover kept"

# --- lxc-destroy --------------------------------------------------------------
cat > "$tmp/mnt-ns.sh" <<SH
mount -t tmpfs lxcpp-test "$root/mnt"
touch "$root/mnt/keep"
rc=0; "$BIN/lxc-destroy" -P "$P" -n "$n" 2> "$tmp/mnt.err" || rc=\$?; echo \$rc > "$tmp/rc-mnt"
[ -e "$root/mnt/keep" ] && echo kept > "$tmp/mnt.kept"
mount --bind "$root" "$root"
rc=0; "$BIN/lxc-destroy" -P "$P" -n "$n" 2>> "$tmp/mnt.err" || rc=\$?; echo \$rc > "$tmp/rc-self"
SH
unshare -m --propagation private bash "$tmp/mnt-ns.sh"
expect_eq "destroy refuses a mount point in the rootfs" 1 "$(cat "$tmp/rc-mnt")"
expect_contains "mount point named" "$root/mnt is a mount point" "$(cat "$tmp/mnt.err")"
expect_eq "nothing under the mount deleted" kept "$(cat "$tmp/mnt.kept" 2>/dev/null)"
expect_eq "destroy refuses a rootfs that is a mount point" 1 "$(cat "$tmp/rc-self")"
[ -f "$cfg" ] && [ -x "$root/bin/busybox" ] && pass "refused destroy deleted nothing" || fail_check "refused destroy deleted files"

expect_rc "destroy" 0 destroy -n "$n"
[ ! -e "$P/$n" ] && pass "container dir gone" || fail_check "container dir left"
out=$(destroy -n "$n" 2>&1) && rc=0 || rc=$?
expect_eq "second destroy (exit status)" 1 "$rc"
expect_contains "second destroy message" "Container is not defined" "$out"

# Snapshots: refused without -s, removed with it.
s=lxcpp-test-create-snap
expect_rc "create for snapshots" 0 create -n $s -t busybox
mkdir -p "$P/$s/snaps/snap0/rootfs/etc"
echo "lxc.rootfs.path = dir:$P/$s/snaps/snap0/rootfs" > "$P/$s/snaps/snap0/config"
out=$(destroy -n $s 2>&1) && rc=0 || rc=$?
expect_eq "destroy with snapshots, no -s (exit status)" 1 "$rc"
expect_contains "has snapshots" "$s has snapshots" "$out"
expect_rc "destroy -s" 0 destroy -n $s -s
[ ! -e "$P/$s" ] && pass "-s removed snapshots too" || fail_check "-s left $P/$s"

# Outside symlinks are never followed.
expect_rc "create for symlink check" 0 create -n lxcpp-test-create-ln -t busybox
mkdir -p "$tmp/outside"; echo precious > "$tmp/outside/file"
ln -s "$tmp/outside" "$P/lxcpp-test-create-ln/rootfs/root/link"
ln -s "$tmp/outside" "$P/lxcpp-test-create-ln/link"
expect_rc "destroy with symlinks out" 0 destroy -n lxcpp-test-create-ln
expect_eq "symlink targets kept" precious "$(cat "$tmp/outside/file")"
# A config naming a directory that holds the container as its rootfs is refused.
expect_rc "create -t none for a bad rootfs" 0 create -n lxcpp-test-create-holder -t none
echo "lxc.rootfs.path = dir:$P" >> "$P/lxcpp-test-create-holder/config"
out=$(destroy -n lxcpp-test-create-holder 2>&1) && rc=0 || rc=$?
expect_eq "rootfs holding the container refused (exit status)" 1 "$rc"
expect_contains "refusal names the rootfs" "refusing to remove rootfs $P" "$out"
[ -f "$P/lxcpp-test-create-holder/config" ] && [ -f "$P/lxcpp-test-create-sh/config" ] &&
  pass "nothing deleted" || fail_check "refused destroy deleted files"
sed -i '$d' "$P/lxcpp-test-create-holder/config"
# A config naming a rootfs that does not exist (a container that could never
# start): nothing to remove there, the container dir goes.
expect_rc "create for a missing rootfs" 0 create -n lxcpp-test-create-gone -t none
echo "lxc.rootfs.path = dir:/nonexistent-lxcpp-rootfs" >>"$P/lxcpp-test-create-gone/config"
expect_rc "destroy of a container whose rootfs is missing" 0 destroy -n lxcpp-test-create-gone
[ ! -e "$P/lxcpp-test-create-gone" ] && pass "its dir removed" || fail_check "$P/lxcpp-test-create-gone left"

for c in lxcpp-test-create-holder lxcpp-test-create-sh lxcpp-test-create-none lxcpp-test-create-race lxcpp-test-create-crash \
  lxcpp-test-create-def lxcpp-test-create-f lxcpp-test-create-sys; do
  [ -e "$P/$c" ] && { destroy -n $c || fail_check "destroy $c"; }
done
expect_eq "lxcpath empty at the end" "" "$(ls -A "$P")"

finish
