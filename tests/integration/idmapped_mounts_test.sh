#!/usr/bin/env bash
# idmap= mounts (LXC 5): a root-made container with lxc.idmap runs on a
# rootfs that was never shifted (lxc.rootfs.options = idmap=container), and
# a host directory is bound in with lxc.mount.entry ... idmap=container:
# both show the container's root as their owner, what it writes lands as
# host root on disk, init runs as host uid 100000. Misuse is refused with
# the key named; an optional entry whose source is missing is skipped.
. "$(dirname "$0")/lib.sh"
need_root
[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)" != 0 ] || skip "user namespaces are disabled"

lp=$(mktemp -d /tmp/lxcpp-test-idm-XXXXXX)
name=idm-$$
L=(-P "$lp" -n "$name")
share=$lp/share
trap 'remove_lxcpath "$lp"' EXIT
chmod 755 "$lp"
mkdir "$share"
echo from-the-host >"$share/f"

expect_rc "lxc-create -t busybox (rootfs owned by host root)" 0 "$BIN/lxc-create" "${L[@]}" -t busybox
chmod 775 "$lp/$name"  # the container's root must reach its rootfs mount point
cfg=$lp/$name/config
cp "$cfg" "$lp/config.plain"
cat >>"$cfg" <<EOF
lxc.idmap = u 0 100000 65536
lxc.idmap = g 0 100000 65536
lxc.rootfs.options = idmap=container
lxc.mount.entry = $share mnt/idm none bind,create=dir,idmap=container 0 0
lxc.mount.entry = $share mnt/plain none bind,create=dir 0 0
lxc.mount.entry = $lp/missing mnt/gone none bind,create=dir,optional,idmap=container 0 0
EOF
cp "$cfg" "$lp/config.idmapped"

probe_idmap() {
  # Skip cleanly where the kernel or the filesystem cannot idmap.
  local rc=0 err
  err=$("$BIN/lxc-start" "${L[@]}" 2>&1) || rc=$?
  if [ "$rc" != 0 ] && grep -q "support idmapped mounts" <<<"$err"; then skip "no idmapped mounts here: $err"; fi
  expect_eq "lxc-start with an idmapped rootfs" 0 "$rc"
  [ "$rc" = 0 ] || { echo "$err"; finish; exit 1; }
}
probe_idmap
in_c() { "$BIN/lxc-attach" "${L[@]}" -- "$@"; }
pid=$("$BIN/lxc-info" "${L[@]}" -p -H | awk '{print $NF}')
expect_eq "init runs as host uid 100000" 100000 "$(stat -c %u "/proc/$pid")"
expect_eq "the rootfs is untouched on disk (host root's)" "0:0" "$(stat -c %u:%g "$lp/$name/rootfs/etc/passwd")"
expect_eq "... and the container's root owns it inside" "0 0" "$(in_c stat -c '%u %g' /etc/passwd)"
expect_rc "the container's root writes to its rootfs" 0 in_c touch /made-inside
expect_eq "... which lands as host root on disk" "0:0" "$(stat -c %u:%g "$lp/$name/rootfs/made-inside")"
expect_eq "idmapped entry: the host's root files are the container root's" "0 from-the-host" \
  "$(in_c sh -c 'echo $(stat -c %u /mnt/idm/f) $(cat /mnt/idm/f)')"
expect_rc "... and writable by it" 0 in_c sh -c 'echo back >/mnt/idm/g'
expect_eq "... written as host root" "0 back" "$(stat -c %u "$share/g") $(cat "$share/g")"
expect_eq "the same directory without idmap: nobody's" 65534 "$(in_c stat -c %u /mnt/plain/f)"
expect_eq "the optional entry with a missing source: skipped" "no" "$(in_c sh -c '[ -e /mnt/gone ] && mountpoint -q /mnt/gone && echo yes || echo no')"
expect_rc "lxc-stop -k" 0 "$BIN/lxc-stop" "${L[@]}" -k

bad_start() {  # DESCRIPTION EXPECTED-MESSAGE
  local rc=0 err
  err=$("$BIN/lxc-start" "${L[@]}" 2>&1) || rc=$?
  expect_eq "$1: exit status" 1 "$rc"
  expect_contains "$1: message" "$2" "$err"
  expect_eq "$1: not running" "State:          STOPPED" "$("$BIN/lxc-info" "${L[@]}" -s)"
}
cp "$lp/config.plain" "$cfg"
echo "lxc.rootfs.options = idmap=container" >>"$cfg"
bad_start "idmap=container without lxc.idmap" "lxc.rootfs.options: idmap=container needs a user namespace"
cp "$lp/config.idmapped" "$cfg"
echo "lxc.mount.entry = tmpfs mnt/t tmpfs create=dir,idmap=container 0 0" >>"$cfg"
bad_start "idmap on a filesystem mount" "idmap=container needs a bind mount of a host path"
cp "$lp/config.idmapped" "$cfg"
echo "lxc.mount.entry = $lp/missing mnt/m none bind,create=dir,idmap=container 0 0" >>"$cfg"
bad_start "an idmapped entry whose source is missing" "$lp/missing"
cp "$lp/config.idmapped" "$cfg"
expect_nothing_left "$name" "$lp"
finish
