#!/usr/bin/env bash
# lxcpp's own versions of four more of LXC's hooks, installed with the config
# snippets (cmake --install of config-snippets into a temporary directory):
#
#   ubuntu-cloud-prep       lxc-copy of a container that includes
#                           ubuntu-cloud.common.conf runs it with the
#                           arguments after "--": the clone gets a NoCloud
#                           seed (meta-data, user-data, vendor-data) and its
#                           /etc/hostname; also through an overlay snapshot,
#                           with hook version 1, and a failing run fails the
#                           copy and leaves no clone.
#   squid-deb-proxy-client  as pre-start and as mount hook of a busybox
#                           container, with a fake avahi-browse first on PATH
#                           (it stands in for avahi-daemon and the network):
#                           the proxy it "finds" ends up in the container's
#                           apt configuration; no proxy and no avahi-browse
#                           change nothing (but a stale file of ours goes).
#   mountecryptfsroot       as pre-mount hook: where the kernel has no ecryptfs
#                           the start fails and the hook says why (the mount
#                           itself is then not tested); its own checks (sig
#                           file, encrypted directory, backend) in any case.
#   nvidia                  as mount hook of an unprivileged container, with a
#                           stub nvidia-container-cli that records its
#                           arguments: they are those LXC's hook passes for the
#                           same environment; refused for a privileged one;
#                           without nvidia-container-cli it fails and says so.
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"

lp=$(mktemp -d /tmp/lxcpp-test-hookx-XXXXXX)
# The unprivileged container's root (uid 100000) walks down to its rootfs
# and runs the hooks and the stub from here.
chmod 755 "$lp"
trap 'remove_lxcpath "$lp"' EXIT
tmp=$lp/tmp
mkdir -m 755 "$tmp"

share=$(install_snippets "$lp/inst") || {
  fail_check "install lxcpp's config snippets"
  finish
  exit 1
}
chmod -R go+rX "$lp/inst"
hooks=$share/hooks
expect_eq "the four hooks are installed executable" "755 755 755 755" \
  "$(stat -c %a "$hooks/ubuntu-cloud-prep" "$hooks/squid-deb-proxy-client" "$hooks/mountecryptfsroot" \
    "$hooks/nvidia" | paste -sd' ')"
expect_eq "ubuntu-cloud.common.conf names the installed ubuntu-cloud-prep" \
  "lxc.hook.clone = $hooks/ubuntu-cloud-prep" "$(grep '^lxc.hook.clone' "$share/config/ubuntu-cloud.common.conf")"

pid=$$
c() { echo "hx$1-$pid"; }
create() {
  "$BIN/lxc-create" -P "$lp" -n "$1" -t busybox >/dev/null 2>&1 || {
    fail_check "lxc-create -t busybox $1"
    finish
    exit 1
  }
}

############################################################################
# ubuntu-cloud-prep (lxc.hook.clone through lxc-copy)
############################################################################
base=$(c base)
create "$base"
# As an Ubuntu cloud image's config does: the snippet first.
sed -i "1i lxc.include = $share/config/ubuntu-cloud.common.conf" "$lp/$base/config"
seed=var/lib/cloud/seed/nocloud-net

printf '#cloud-config\nruncmd: [ [ touch, /hello ] ]\n' >"$tmp/user-data"
printf 'ssh-ed25519 AAAAC3one user@one\n\nssh-rsa AAAAB3two user@two\n' >"$tmp/keys"
printf '#cloud-config\npackages: [ htop ]\n' >"$tmp/vendor-data"

clone=$(c 1)
rc=0
out=$("$BIN/lxc-copy" -P "$lp" -n "$base" -N "$clone" -- --userdata "$tmp/user-data" --hostid feedbeef \
  --auth-key="$tmp/keys" -V "$tmp/vendor-data" --nolocales 2>&1) || rc=$?
expect_eq "lxc-copy -- --userdata --hostid --auth-key --vendordata --nolocales (exit status)" 0 "$rc"
[ "$rc" = 0 ] || echo "$out"
croot=$lp/$clone/rootfs
expect_eq "meta-data: instance-id, local-hostname and the keys, blank lines dropped" "instance-id: lxc-feedbeef
local-hostname: $clone
public-keys:
- ssh-ed25519 AAAAC3one user@one
- ssh-rsa AAAAB3two user@two" "$(cat "$croot/$seed/meta-data" 2>&1)"
expect_eq "user-data is the --userdata file" "$(cat "$tmp/user-data")" "$(cat "$croot/$seed/user-data" 2>&1)"
expect_eq "vendor-data is the --vendordata file" "$(cat "$tmp/vendor-data")" "$(cat "$croot/$seed/vendor-data" 2>&1)"
expect_eq "the clone's /etc/hostname" "$clone" "$(cat "$croot/etc/hostname")"
expect_eq "--nolocales: no locale-archive copied" no "$([ -e "$croot/usr/lib/locale/locale-archive" ] && echo yes || echo no)"
expect_eq "the original has no seed" no "$([ -e "$lp/$base/rootfs/var/lib/cloud" ] && echo yes || echo no)"

# The generated user-data: $MIRROR, $LANG and --apt-proxy from lxc-copy's
# environment and arguments; -L is --nolocales.
clone=$(c 2)
rc=0
out=$(MIRROR=http://mirror.invalid/ubuntu LANG=C.UTF-8 "$BIN/lxc-copy" -P "$lp" -n "$base" -N "$clone" -- \
  -i 0a1b2c3d --apt-proxy http://192.0.2.7:3142/ -L 2>&1) || rc=$?
expect_eq "lxc-copy -- -i --apt-proxy -L (exit status)" 0 "$rc"
[ "$rc" = 0 ] || echo "$out"
expect_eq "the generated user-data" "#cloud-config
output: {all: '| tee -a /var/log/cloud-init-output.log'}
apt_mirror: http://mirror.invalid/ubuntu
apt_proxy: http://192.0.2.7:3142/
manage_etc_hosts: localhost
locale: C.UTF-8
password: ubuntu
chpasswd: { expire: false }" "$(cat "$lp/$clone/rootfs/$seed/user-data" 2>&1)"
expect_eq "meta-data with -i" "instance-id: lxc-0a1b2c3d
local-hostname: $clone" "$(cat "$lp/$clone/rootfs/$seed/meta-data" 2>&1)"

# No arguments: a random instance id, the default mirror, the host's
# locale-archive when it has one.
clone=$(c 3)
expect_rc "lxc-copy without hook arguments" 0 env -u MIRROR "$BIN/lxc-copy" -P "$lp" -n "$base" -N "$clone"
croot=$lp/$clone/rootfs
expect_eq "a random 8-digit instance id" 1 \
  "$(grep -cxE 'instance-id: lxc-[0-9a-f]{8}' "$croot/$seed/meta-data" 2>/dev/null || true)"
expect_contains "the default mirror" "apt_mirror: http://archive.ubuntu.com/ubuntu" "$(cat "$croot/$seed/user-data" 2>&1)"
archive=/usr/lib/locale/locale-archive
if [ -f "$archive" ]; then
  expect_eq "the host's locale-archive is copied" same \
    "$(cmp -s "$archive" "$croot$archive" && echo same || echo differs)"
else
  expect_eq "no locale-archive on the host: none in the clone, and no failure" no \
    "$([ -e "$croot$archive" ] && echo yes || echo no)"
fi

# --cloud: the hostname only. Unknown words are another hook's business:
# ignored with a warning.
clone=$(c 4)
rc=0
out=$("$BIN/lxc-copy" -P "$lp" -n "$base" -N "$clone" -- --cloud --frobnicate 2>&1) || rc=$?
expect_eq "lxc-copy -- --cloud --frobnicate (exit status)" 0 "$rc"
expect_contains "the unknown option is named" 'ignoring "--frobnicate"' "$out"
expect_eq "--cloud: no seed" no "$([ -e "$lp/$clone/rootfs/var/lib/cloud" ] && echo yes || echo no)"
expect_eq "--cloud: /etc/hostname is still written" "$clone" "$(cat "$lp/$clone/rootfs/etc/hostname")"

# A failing hook fails the copy, and no clone is left.
clone=$(c 5)
rc=0
out=$("$BIN/lxc-copy" -P "$lp" -n "$base" -N "$clone" -- --userdata "$tmp/missing" 2>&1) || rc=$?
expect_eq "lxc-copy with a missing --userdata file (exit status)" 1 "$rc"
expect_contains "the hook says which file" "--userdata: \"$tmp/missing\" is not a file" "$out"
expect_eq "no clone is left" no "$([ -e "$lp/$clone" ] && echo yes || echo no)"

# A link in the rootfs is not followed out of it: the copy fails instead.
mkdir -p "$lp/$base/rootfs/var/lib" "$tmp/outside"
ln -s "$tmp/outside" "$lp/$base/rootfs/var/lib/cloud"
clone=$(c 6)
rc=0
out=$("$BIN/lxc-copy" -P "$lp" -n "$base" -N "$clone" -- -L 2>&1) || rc=$?
expect_eq "lxc-copy when var/lib/cloud is a link out of the rootfs (exit status)" 1 "$rc"
expect_contains "the hook names the link" "var/lib/cloud is a symbolic link" "$out"
expect_eq "nothing was written outside" "" "$(ls -A "$tmp/outside")"
rm -f "$lp/$base/rootfs/var/lib/cloud"

# Hook version 1: no "NAME lxc clone" arguments, LXC_HOOK_TYPE and LXC_NAME.
echo "lxc.hook.version = 1" >>"$lp/$base/config"
clone=$(c 7)
expect_rc "lxc-copy with lxc.hook.version = 1" 0 "$BIN/lxc-copy" -P "$lp" -n "$base" -N "$clone" -- --hostid 7e57 -L
expect_eq "version 1: meta-data" "instance-id: lxc-7e57
local-hostname: $clone" "$(cat "$lp/$clone/rootfs/$seed/meta-data" 2>&1)"
sed -i '/^lxc.hook.version/d' "$lp/$base/config"

# An overlay snapshot: the seed goes to the clone's upper layer only.
if grep -qw overlay /proc/filesystems; then
  clone=$(c 8)
  expect_rc "lxc-copy -s -B overlay" 0 "$BIN/lxc-copy" -P "$lp" -n "$base" -N "$clone" -s -B overlay -- --hostid 0ff1ce -L
  path=$(sed -n 's/^lxc.rootfs.path = //p' "$lp/$clone/config")
  delta=${path##*:}
  expect_eq "overlay: meta-data in the upper layer" "instance-id: lxc-0ff1ce
local-hostname: $clone" "$(cat "$delta/$seed/meta-data" 2>&1)"
  expect_eq "overlay: the original rootfs has no seed" no "$([ -e "$lp/$base/rootfs/$seed" ] && echo yes || echo no)"
  expect_eq "overlay: nothing stays mounted" "" "$(grep "$lp" /proc/self/mountinfo || true)"
else
  echo "SKIP (part): the kernel has no overlayfs: ubuntu-cloud-prep on an overlay clone not tried"
fi

# By hand, as the template calls it: OPTIONS ROOT-DIR.
mkdir -p "$tmp/root/etc"
rc=0
out=$("$hooks/ubuntu-cloud-prep" --name=handmade --hostid=1 --no-locales "$tmp/root" 2>&1) || rc=$?
expect_eq "by hand: OPTIONS ROOT-DIR (exit status)" 0 "$rc"
expect_eq "by hand: hostname and meta-data" "handmade|instance-id: lxc-1" \
  "$(cat "$tmp/root/etc/hostname")|$(head -n 1 "$tmp/root/$seed/meta-data" 2>&1)"
rc=0
out=$("$hooks/ubuntu-cloud-prep" --frobnicate "$tmp/root" 2>&1) || rc=$?
expect_eq "by hand: an unknown option is an error (exit status)" 1 "$rc"
rc=0
out=$("$hooks/ubuntu-cloud-prep" -h 2>&1) || rc=$?
expect_eq "-h (exit status)" 0 "$rc"
expect_contains "-h shows the options" "--userdata FILE" "$out"

for n in 1 2 3 4 6 7 8; do
  [ -f "$lp/$(c $n)/config" ] || continue
  expect_rc "lxc-destroy $(c $n)" 0 "$BIN/lxc-destroy" -P "$lp" -n "$(c $n)"
done
expect_rc "lxc-destroy $base" 0 "$BIN/lxc-destroy" -P "$lp" -n "$base"

############################################################################
# squid-deb-proxy-client (pre-start and mount hook)
############################################################################
sq=$(c sq)
create "$sq"
sroot=$lp/$sq/rootfs
conf_file=etc/apt/apt.conf.d/50squid-deb-proxy
mkdir -p "$sroot/etc/apt/apt.conf.d"
echo "lxc.hook.pre-start = $hooks/squid-deb-proxy-client" >>"$lp/$sq/config"

# The fake avahi-browse prints $FAKE_AVAHI_OUT and notes its arguments.
mkdir -m 755 "$tmp/fakebin"
cat >"$tmp/fakebin/avahi-browse" <<'EOF'
#!/bin/sh
echo "$*" >>"${0%/*}/args"
[ -z "${FAKE_AVAHI_OUT:-}" ] || cat "$FAKE_AVAHI_OUT"
EOF
chmod 755 "$tmp/fakebin/avahi-browse"
# What "avahi-browse -prtk" prints: "+" lines (found), "=" lines (resolved);
# a link-local IPv6 address first, which apt could not use.
cat >"$tmp/avahi-v4" <<'EOF'
+;eth0;IPv6;Squid deb proxy on cache;_apt_proxy._tcp;local
+;eth0;IPv4;Squid deb proxy on cache;_apt_proxy._tcp;local
=;eth0;IPv6;Squid deb proxy on cache;_apt_proxy._tcp;local;cache.local;fe80::5054:ff:fe12:3456;8000;""
=;eth0;IPv4;Squid deb proxy on cache;_apt_proxy._tcp;local;cache.local;192.0.2.10;8000;""
EOF
cat >"$tmp/avahi-v6" <<'EOF'
=;eth0;IPv6;Squid deb proxy on cache6;_apt_proxy._tcp;local;cache6.local;2001:db8::5;3142;""
EOF
: >"$tmp/avahi-none"
marker="// lxcpp squid-deb-proxy-client: proxy found through avahi at the container's start"
fake_path=$tmp/fakebin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
plain_path=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

# sq_start PATH AVAHI-OUTPUT: lxc-start -d with that environment; sq_running says how it went.
sq_start() {
  local rc=0
  PATH=$1 FAKE_AVAHI_OUT=$2 "$BIN/lxc-start" -P "$lp" -n "$sq" -d >"$tmp/sq.out" 2>&1 || rc=$?
  if [ "$rc" = 0 ] && "$BIN/lxc-wait" -P "$lp" -n "$sq" -s RUNNING -t 10 >/dev/null 2>&1; then
    sq_running=yes
  else
    sq_running="no (lxc-start exit status $rc: $(cat "$tmp/sq.out"))"
  fi
}
sq_stop() { "$BIN/lxc-stop" -P "$lp" -n "$sq" -k >/dev/null 2>&1 || true; }

if [ -e /usr/share/squid-deb-proxy-client/apt-avahi-discover ]; then
  echo "SKIP (part): squid-deb-proxy-client is installed on this host: its apt-avahi-discover, not the" \
    "fake avahi-browse, would be asked; the discovery checks are left out"
elif [ -e /etc/apt/apt.conf.d/50squid-deb-proxy ]; then
  echo "SKIP (part): this host has its own /etc/apt/apt.conf.d/50squid-deb-proxy, which the hook copies" \
    "instead of asking avahi; the discovery checks are left out"
else
  sq_start "$fake_path" "$tmp/avahi-v4"
  expect_eq "pre-start: the container runs" yes "$sq_running"
  expect_eq "avahi-browse was asked for resolved _apt_proxy._tcp services" \
    "--parsable --resolve --terminate --no-db-lookup _apt_proxy._tcp" "$(cat "$tmp/fakebin/args" 2>&1)"
  expect_eq "pre-start: the IPv4 proxy is in the container's apt configuration" "$marker
Acquire::http::proxy \"http://192.0.2.10:8000/\";" "$(cat "$sroot/$conf_file" 2>&1)"
  expect_contains "apt in the container sees it" 'Acquire::http::proxy "http://192.0.2.10:8000/";' \
    "$("$BIN/lxc-attach" -P "$lp" -n "$sq" -- cat "/$conf_file" 2>&1)"
  sq_stop

  # Nothing found now: the file of the earlier start is stale and goes.
  sq_start "$fake_path" "$tmp/avahi-none"
  expect_eq "no proxy found: the container runs" yes "$sq_running"
  expect_eq "no proxy found: our earlier file is removed" no "$([ -e "$sroot/$conf_file" ] && echo yes || echo no)"
  sq_stop

  # ... but a file the container's admin wrote stays.
  echo 'Acquire::http::proxy "http://admin.invalid:3128/";' >"$sroot/$conf_file"
  sq_start "$fake_path" "$tmp/avahi-none"
  expect_eq "no proxy found: a file not written by the hook is kept" \
    'Acquire::http::proxy "http://admin.invalid:3128/";' "$(cat "$sroot/$conf_file" 2>&1)"
  sq_stop

  # No avahi-browse at all: nothing is touched, the start goes on.
  if PATH=$plain_path command -v avahi-browse >/dev/null; then
    echo "SKIP (part): avahi-browse is installed: the start without it is not tried"
  else
    printf '%s\nAcquire::http::proxy "http://old.invalid:1/";\n' "$marker" >"$sroot/$conf_file"
    sq_start "$plain_path" "$tmp/avahi-v4"
    expect_eq "no avahi-browse: the container runs" yes "$sq_running"
    expect_contains "no avahi-browse: the file is left as it was" "http://old.invalid:1/" "$(cat "$sroot/$conf_file" 2>&1)"
    sq_stop
  fi

  # As mount hook: the rootfs is reached at LXC_ROOTFS_MOUNT, inside the
  # container's mount namespace; an IPv6 address is put in brackets.
  rm -f "$sroot/$conf_file"
  sed -i "s#^lxc.hook.pre-start = .*#lxc.hook.mount = $hooks/squid-deb-proxy-client#" "$lp/$sq/config"
  sq_start "$fake_path" "$tmp/avahi-v6"
  expect_eq "mount hook: the container runs" yes "$sq_running"
  expect_contains "mount hook: the IPv6 proxy, in brackets, seen in the container" \
    'Acquire::http::proxy "http://[2001:db8::5]:3142/";' \
    "$("$BIN/lxc-attach" -P "$lp" -n "$sq" -- cat "/$conf_file" 2>&1)"
  sq_stop

  # A link in the file's place is replaced, not written through.
  echo "host file" >"$tmp/host-file"
  ln -sf "$tmp/host-file" "$sroot/$conf_file"
  rc=0
  PATH=$fake_path FAKE_AVAHI_OUT=$tmp/avahi-v4 LXC_HOOK_VERSION=1 LXC_HOOK_TYPE=pre-start \
    LXC_ROOTFS_PATH=dir:$sroot "$hooks/squid-deb-proxy-client" >/dev/null 2>&1 || rc=$?
  expect_eq "by hand, over a link (exit status)" 0 "$rc"
  expect_eq "the file the link named is untouched" "host file" "$(cat "$tmp/host-file")"
  expect_eq "the link became the container's own file" "regular file" "$(stat -c %F "$sroot/$conf_file")"
fi

# The host's own 50squid-deb-proxy is copied as it is. In a mount namespace
# of the test's own, over a directory of the test's own: the host's apt
# configuration is never touched.
if [ -d /etc/apt/apt.conf.d ] && command -v unshare >/dev/null; then
  mkdir "$tmp/hostapt"
  echo 'Acquire::http::Proxy "http://host-proxy.invalid:8000";' >"$tmp/hostapt/50squid-deb-proxy"
  rm -f "$sroot/$conf_file" "$tmp/fakebin/args"
  rc=0
  env PATH="$fake_path" LXC_ROOTFS_PATH="dir:$sroot" FAKE_AVAHI_OUT="$tmp/avahi-v6" \
    unshare -m sh -c 'mount --bind "$1" /etc/apt/apt.conf.d && exec "$2" "$3" lxc pre-start' sh \
    "$tmp/hostapt" "$hooks/squid-deb-proxy-client" "$sq" >/dev/null 2>&1 || rc=$?
  expect_eq "the host has the file: the hook (exit status)" 0 "$rc"
  expect_eq "the host's file is copied" "$(cat "$tmp/hostapt/50squid-deb-proxy")" "$(cat "$sroot/$conf_file" 2>&1)"
  expect_eq "... and avahi is not asked" no "$([ -e "$tmp/fakebin/args" ] && echo yes || echo no)"
else
  echo "SKIP (part): no /etc/apt/apt.conf.d or unshare: the copy of the host's file is not tried"
fi

# A rootfs without apt: nothing to do, no failure, nothing made.
mkdir -p "$tmp/noapt/etc"
rc=0
out=$(PATH=$fake_path FAKE_AVAHI_OUT=$tmp/avahi-v4 LXC_ROOTFS_PATH=$tmp/noapt \
  "$hooks/squid-deb-proxy-client" "$sq" lxc pre-start 2>&1) || rc=$?
expect_eq "a rootfs without /etc/apt (exit status)" 0 "$rc"
expect_eq "... and nothing made in it" "" "$(ls -A "$tmp/noapt/etc")"

expect_rc "lxc-destroy $sq" 0 "$BIN/lxc-destroy" -P "$lp" -n "$sq"
expect_nothing_left "$sq" "$lp"

############################################################################
# mountecryptfsroot (pre-mount hook)
############################################################################
ec=$(c ec)
create "$ec"
mkdir "$lp/$ec/rootfs.crypt"
echo 0123456789abcdef >"$lp/$ec/sig"
echo "lxc.hook.pre-mount = $hooks/mountecryptfsroot" >>"$lp/$ec/config"
# ec_hook: the hook as lxc-start runs it, in a mount namespace of its own.
ec_hook() {
  env LXC_ROOTFS_PATH="dir:$lp/$ec/rootfs" LXC_CONFIG_FILE="$lp/$ec/config" \
    unshare -m "$hooks/mountecryptfsroot" "$ec" lxc pre-mount
}

rc=0
out=$(ec_hook 2>&1) || rc=$?
if ! grep -qw ecryptfs /proc/filesystems; then
  # The kernel may load it on demand (mount asks for fs-ecryptfs).
  expect_eq "no ecryptfs in this kernel: the hook fails with mount's status" 32 "$rc"
  expect_contains "... and says the kernel has no ecryptfs" "this kernel has no ecryptfs" "$out"
  expect_contains "... and which mount failed" "cannot mount $lp/$ec/rootfs.crypt on $lp/$ec/rootfs as ecryptfs" "$out"
  rc=0
  out=$("$BIN/lxc-start" -P "$lp" -n "$ec" -d 2>&1) || rc=$?
  expect_eq "lxc-start with the hook fails" 1 "$rc"
  expect_contains "lxc-start names the hook" "lxc.hook.pre-mount \"$hooks/mountecryptfsroot\" exited with status" "$out"
  expect_eq "the container is not running" STOPPED \
    "$("$BIN/lxc-info" -P "$lp" -n "$ec" -s 2>&1 | awk '{print $2}')"
  echo "SKIP (part): this kernel has no ecryptfs (not in /proc/filesystems, not loadable): the mount itself" \
    "and a start on the decrypted rootfs are not tested"
else
  # The key is not in any keyring: the mount fails whatever the kernel.
  expect_eq "a signature with no key behind it: the mount fails" yes "$([ "$rc" != 0 ] && echo yes || echo no)"
  echo "SKIP (part): a real ecryptfs mount needs a passphrase key (ecryptfs-utils); not tested"
fi
expect_eq "nothing is left mounted on the rootfs" "" "$(grep "$lp/$ec" /proc/self/mountinfo || true)"

# The hook's own checks, before any mount.
printf 'xyz;rw\n' >"$lp/$ec/sig"
rc=0
out=$(ec_hook 2>&1) || rc=$?
expect_eq "a sig file without a signature (exit status)" 1 "$rc"
expect_contains "... is named" "$lp/$ec/sig does not hold a key signature" "$out"
rm -f "$lp/$ec/sig"
rc=0
out=$(ec_hook 2>&1) || rc=$?
expect_eq "no sig file (exit status)" 1 "$rc"
expect_contains "... is named" "no key signature file $lp/$ec/sig" "$out"
echo 0123456789abcdef >"$lp/$ec/sig"
rmdir "$lp/$ec/rootfs.crypt"
rc=0
out=$(ec_hook 2>&1) || rc=$?
expect_eq "no rootfs.crypt (exit status)" 1 "$rc"
expect_contains "... is named" "no encrypted directory $lp/$ec/rootfs.crypt" "$out"
rc=0
out=$(LXC_ROOTFS_PATH="overlay:/a:/b" LXC_CONFIG_FILE="$lp/$ec/config" "$hooks/mountecryptfsroot" 2>&1) || rc=$?
expect_eq "an overlay rootfs (exit status)" 1 "$rc"
expect_contains "... is refused" "the rootfs must be a directory" "$out"

expect_rc "lxc-destroy $ec" 0 "$BIN/lxc-destroy" -P "$lp" -n "$ec"
expect_nothing_left "$ec" "$lp"

############################################################################
# nvidia (mount hook)
############################################################################
# The stub writes its arguments one a line, and what it saw of the rootfs.
mkdir -m 777 "$tmp/nv"
mkdir -m 755 "$tmp/stub"
cat >"$tmp/stub/nvidia-container-cli" <<EOF
#!/bin/sh
for a; do printf '%s\n' "\$a"; done >"$tmp/nv/args"
for a; do last=\$a; done
{ [ -x "\$last/bin/busybox" ] && echo "rootfs mounted"; cat /proc/self/uid_map; } >"$tmp/nv/seen" 2>&1
EOF
chmod 755 "$tmp/stub/nvidia-container-cli"
stub_path=$tmp/stub:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
# The ldconfig the hook finds on that PATH (after its own additions).
ldconfig=$(PATH=$stub_path:/usr/sbin:/usr/bin:/sbin:/bin sh -c 'command -v ldconfig.real || command -v ldconfig' || true)
ldc=${ldconfig:+--ldconfig=@$ldconfig}

nv=$(c nv)
create "$nv"
chmod 755 "$lp/$nv"
cat >>"$lp/$nv/config" <<EOF
lxc.idmap = u 0 100000 65536
lxc.idmap = g 0 100000 65536
lxc.hook.mount = $hooks/nvidia
EOF
shift_rootfs "$lp/$nv/rootfs" 100000
nroot=$lp/$nv/rootfs

# nv_args: what the stub was given, one a line with "|" between.
nv_args() { paste -sd'|' "$tmp/nv/args" 2>/dev/null || echo "(not run)"; }

rc=0
out=$(PATH=$stub_path NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,utility \
  NVIDIA_REQUIRE_CUDA='cuda>=11.0' "$BIN/lxc-execute" -P "$lp" -n "$nv" -- true 2>&1) || rc=$?
expect_eq "unprivileged container with the hook (lxc-execute exit status)" 0 "$rc"
[ "$rc" = 0 ] || echo "$out"
expect_eq "nvidia-container-cli got LXC's arguments" \
  "--user|configure|--no-cgroups|$ldc|--device=all|--compute|--utility|--require=cuda>=11.0|$nroot" "$(nv_args)"
expect_eq "it ran in the container's user namespace, with the rootfs mounted" "rootfs mounted|0 100000 65536" \
  "$(sed 's/  */ /g; s/^ //' "$tmp/nv/seen" 2>/dev/null | paste -sd'|')"

# The same container started for real (lxc-start), with hook version 1.
echo "lxc.hook.version = 1" >>"$lp/$nv/config"
rm -f "$tmp/nv/args"
rc=0
PATH=$stub_path NVIDIA_VISIBLE_DEVICES=0,1 "$BIN/lxc-start" -P "$lp" -n "$nv" -d >/dev/null 2>&1 || rc=$?
expect_eq "lxc-start -d with the hook (version 1)" 0 "$rc"
expect_rc "lxc-wait -s RUNNING" 0 "$BIN/lxc-wait" -P "$lp" -n "$nv" -s RUNNING -t 10
expect_eq "version 1: the arguments" "--user|configure|--no-cgroups|$ldc|--device=0,1|--utility|$nroot" "$(nv_args)"
expect_rc "lxc-stop" 0 "$BIN/lxc-stop" -P "$lp" -n "$nv" -k
sed -i '/^lxc.hook.version/d' "$lp/$nv/config"

# No GPU asked for: nothing is run and the start goes on.
rm -f "$tmp/nv/args"
expect_rc "no NVIDIA_VISIBLE_DEVICES: lxc-execute" 0 env -u NVIDIA_VISIBLE_DEVICES -u CUDA_VERSION PATH="$stub_path" \
  "$BIN/lxc-execute" -P "$lp" -n "$nv" -- true
expect_eq "no NVIDIA_VISIBLE_DEVICES: nvidia-container-cli not run" "(not run)" "$(nv_args)"

# More environments, the hook run by hand in a user namespace like the
# container's (lxc-usernsexec), as lxc-start runs a mount hook (version 0).
# nv_case DESC EXPECTED-RC EXPECTED-ARGS [VAR=VALUE...] [-- HOOK-OPTION...]
nv_case() {
  local desc=$1 want_rc=$2 want=$3 rc=0
  shift 3
  local envs=() opts=()
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    envs+=("$1")
    shift
  done
  [ $# = 0 ] || opts=("${@:2}")
  rm -f "$tmp/nv/args"
  env -i PATH="$stub_path" LXC_LOG_LEVEL=ERROR LXC_ROOTFS_MOUNT=/mnt/rootfs LXC_CONFIG_FILE="$lp/$nv/config" \
    LXC_ROOTFS_PATH="dir:$nroot" "${envs[@]}" \
    "$BIN/lxc-usernsexec" -m b:0:100000:65536 -- "$hooks/nvidia" "${opts[@]}" "$nv" lxc mount >"$tmp/nv/out" 2>&1 || rc=$?
  expect_eq "$desc (exit status)" "$want_rc" "$rc"
  expect_eq "$desc" "$want" "$(nv_args)"
}
R=/mnt/rootfs
nv_case "devices 0,1, capabilities compute,video" 0 "--user|configure|--no-cgroups|$ldc|--device=0,1|--compute|--video|$R" \
  NVIDIA_VISIBLE_DEVICES=0,1 NVIDIA_DRIVER_CAPABILITIES=compute,video
nv_case "devices none, capabilities all, two requirements by name" 0 \
  "--user|configure|--no-cgroups|$ldc|--compute|--compat32|--display|--graphics|--utility|--video|--require=arch>=7.0 brand=tesla|--require=cuda>=11.0|$R" \
  NVIDIA_VISIBLE_DEVICES=none NVIDIA_DRIVER_CAPABILITIES=all NVIDIA_REQUIRE_CUDA='cuda>=11.0' \
  NVIDIA_REQUIRE_ARCH='arch>=7.0 brand=tesla'
nv_case "NVIDIA_DISABLE_REQUIRE=true" 0 "--user|configure|--no-cgroups|$ldc|--device=all|--utility|$R" \
  NVIDIA_VISIBLE_DEVICES=all NVIDIA_REQUIRE_CUDA='cuda>=11.0' NVIDIA_DISABLE_REQUIRE=true
nv_case "NVIDIA_DISABLE_REQUIRE=maybe is not a boolean" 0 \
  "--user|configure|--no-cgroups|$ldc|--device=all|--utility|--require=cuda>=11.0|$R" \
  NVIDIA_VISIBLE_DEVICES=all NVIDIA_REQUIRE_CUDA='cuda>=11.0' NVIDIA_DISABLE_REQUIRE=maybe
nv_case "NVIDIA_VISIBLE_DEVICES=void" 0 "(not run)" NVIDIA_VISIBLE_DEVICES=void
nv_case "NVIDIA_VISIBLE_DEVICES empty" 0 "(not run)" NVIDIA_VISIBLE_DEVICES=
nv_case "an old CUDA image (CUDA_VERSION only)" 0 \
  "--user|configure|--no-cgroups|$ldc|--device=all|--compute|--compat32|--display|--graphics|--utility|--video|--require=cuda>=10.2|$R" \
  CUDA_VERSION=10.2.89
nv_case "the hook's options" 0 \
  "--debug=$tmp/nv/cli.log|--user|--ldcache=/etc/ld.so.cache.alt|--root=/driver|configure|--no-cgroups|--ldconfig=/sbin/ldconfig.alt|--device=all|--utility|$R" \
  NVIDIA_VISIBLE_DEVICES=all -- --no-load-kmods --debug "$tmp/nv/cli.log" --ldcache=/etc/ld.so.cache.alt --root /driver \
  --ldconfig=/sbin/ldconfig.alt
mkdir -m 777 "$tmp/nvct"
nv_case "LXC_LOG_LEVEL=DEBUG: the log next to the rootfs" 0 \
  "--debug=$tmp/nvct/hook/nvidia.log|--user|configure|--no-cgroups|$ldc|--device=all|--utility|$R" \
  NVIDIA_VISIBLE_DEVICES=all LXC_LOG_LEVEL=DEBUG LXC_ROOTFS_PATH="dir:$tmp/nvct/rootfs"
nv_case "an unknown capability" 1 "(not run)" NVIDIA_VISIBLE_DEVICES=all NVIDIA_DRIVER_CAPABILITIES=compute,bogus
expect_contains "... is named" 'unknown driver capability "bogus"' "$(cat "$tmp/nv/out")"
nv_case "as a start hook (version 1)" 1 "(not run)" NVIDIA_VISIBLE_DEVICES=all LXC_HOOK_VERSION=1 \
  LXC_HOOK_SECTION=lxc LXC_HOOK_TYPE=start
expect_contains "... is refused" "must be used as lxc.hook.mount" "$(cat "$tmp/nv/out")"

# A privileged container: refused, as LXC's hook does.
sed -i '/^lxc.idmap/d' "$lp/$nv/config"
rm -f "$tmp/nv/args"
rc=0
PATH=$stub_path NVIDIA_VISIBLE_DEVICES=all "$BIN/lxc-execute" -P "$lp" -n "$nv" -- true >/dev/null 2>&1 || rc=$?
expect_eq "privileged container: the start fails" yes "$([ "$rc" != 0 ] && echo yes || echo no)"
expect_eq "privileged container: nvidia-container-cli not run" "(not run)" "$(nv_args)"
rc=0
out=$(PATH=$stub_path NVIDIA_VISIBLE_DEVICES=all LXC_ROOTFS_MOUNT=$R "$hooks/nvidia" "$nv" lxc mount 2>&1) || rc=$?
expect_eq "no user namespace, by hand (exit status)" 1 "$rc"
expect_contains "... says why" "only unprivileged containers are supported" "$out"

# Without nvidia-container-cli.
if PATH=$plain_path command -v nvidia-container-cli >/dev/null; then
  echo "SKIP (part): nvidia-container-cli is installed on this host: its absence is not tried"
else
  rc=0
  out=$(env PATH="$plain_path" NVIDIA_VISIBLE_DEVICES=all LXC_ROOTFS_MOUNT=$R \
    "$BIN/lxc-usernsexec" -m b:0:100000:65536 -- "$hooks/nvidia" "$nv" lxc mount 2>&1) || rc=$?
  expect_eq "no nvidia-container-cli (exit status)" 1 "$rc"
  expect_contains "... says what is missing" "nvidia-container-cli is not installed" "$out"
fi

expect_rc "lxc-destroy $nv" 0 "$BIN/lxc-destroy" -P "$lp" -n "$nv"
expect_nothing_left "$nv" "$lp"

finish
