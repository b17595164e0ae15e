#!/usr/bin/env bash
# lxc-config: -l, each item's default, values from lxc.conf, unknown items,
# and the unprivileged locations.
. "$(dirname "$0")/lib.sh"
need_root

expect_eq "-l lists the system keys" \
  "lxc.default_config lxc.lxcpath lxc.bdev.lvm.vg lxc.bdev.lvm.thin_pool lxc.bdev.zfs.root lxc.cgroup.use lxc.cgroup.pattern" \
  "$("$BIN/lxc-config" -l | tr '\n' ' ' | sed 's/ $//')"
expect_contains "no argument prints usage" "list all available configuration items" "$("$BIN/lxc-config")"
expect_rc "no argument" 0 "$BIN/lxc-config"
expect_rc "unknown item" 1 "$BIN/lxc-config" lxc.nope
expect_eq "unknown item message" "Unknown configuration item: lxc.nope" "$("$BIN/lxc-config" lxc.nope 2>&1 || true)"

# Root's defaults, with /etc/lxc replaced by an empty directory in a private
# mount namespace so that the host's own lxc.conf cannot interfere.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/etc-lxc"
in_ns() { unshare -m sh -c "mount --bind '$tmp/etc-lxc' /etc/lxc 2>/dev/null || { mkdir -p /etc/lxc && mount --bind '$tmp/etc-lxc' /etc/lxc; }; $*"; }
expect_eq "root lxc.lxcpath default" "/var/lib/lxc" "$(in_ns "$BIN/lxc-config" lxc.lxcpath)"
expect_eq "root lxc.default_config default" "/etc/lxc/default.conf" "$(in_ns "$BIN/lxc-config" lxc.default_config)"
expect_eq "lxc.bdev.lvm.vg default" "lxc" "$(in_ns "$BIN/lxc-config" lxc.bdev.lvm.vg)"
expect_eq "lxc.bdev.zfs.root default" "lxc" "$(in_ns "$BIN/lxc-config" lxc.bdev.zfs.root)"
expect_eq "lxc.cgroup.use unset" "lxc.cgroup.use is not set." "$(in_ns "$BIN/lxc-config" lxc.cgroup.use)"
expect_eq "lxc.cgroup.pattern unset" "lxc.cgroup.pattern is not set." "$(in_ns "$BIN/lxc-config" lxc.cgroup.pattern)"

cat > "$tmp/etc-lxc/lxc.conf" <<'CONF'
# a comment
lxc.lxcpath = /srv/containers
lxc.cgroup.pattern = lxc.payload.%n
lxc.bdev.lvm.vg=vg0
CONF
expect_eq "lxc.lxcpath from lxc.conf" "/srv/containers" "$(in_ns "$BIN/lxc-config" lxc.lxcpath)"
expect_eq "lxc.cgroup.pattern from lxc.conf" "lxc.payload.%n" "$(in_ns "$BIN/lxc-config" lxc.cgroup.pattern)"
expect_eq "value without spaces around =" "vg0" "$(in_ns "$BIN/lxc-config" lxc.bdev.lvm.vg)"

# An unprivileged user's locations live under $HOME.
chmod 755 "$tmp"
home="$tmp/home"
mkdir -p "$home"
chown 65534:65534 "$home"
as_nobody() { setpriv --reuid=65534 --regid=65534 --clear-groups env HOME="$home" "$@"; }
expect_eq "user lxc.lxcpath" "$home/.local/share/lxc" "$(as_nobody "$BIN/lxc-config" lxc.lxcpath)"
expect_eq "user lxc.default_config" "$home/.config/lxc/default.conf" "$(as_nobody "$BIN/lxc-config" lxc.default_config)"
mkdir -p "$home/.config/lxc"
echo "lxc.lxcpath = $home/ct" > "$home/.config/lxc/lxc.conf"
expect_eq "user lxc.lxcpath from ~/.config/lxc/lxc.conf" "$home/ct" "$(as_nobody "$BIN/lxc-config" lxc.lxcpath)"

finish
