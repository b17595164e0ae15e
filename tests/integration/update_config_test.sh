#!/usr/bin/env bash
# lxc-update-config rewrites an LXC 2.x config in place, keeps a backup, and
# the result loads; the original refused with a helpful error beforehand.
. "$(dirname "$0")/lib.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cfg=$tmp/config
cat > "$cfg" <<'CONF'
# Template used to create this container: /usr/share/lxc/templates/lxc-busybox
lxc.utsname = old
lxc.rootfs = /var/lib/lxc/old/rootfs
lxc.rootfs.backend = dir
lxc.tty = 4
lxc.pts = 1024
lxc.loglevel = 1
lxc.id_map = u 0 100000 65536
lxc.id_map = g 0 100000 65536
lxc.limit.nofile = 1024:2048
lxc.haltsignal = SIGRTMIN+3
lxc.pivotdir = lxc_putold

lxc.network.type = veth
lxc.network.flags = up
lxc.network.link = lxcbr0
lxc.network.ipv4 = 10.0.3.5/24
#lxc.network.hwaddr = 00:16:3e:xx:xx:xx

lxc.network.type = veth
lxc.network.link = br1
lxc.network.name = eth1
CONF
cp "$cfg" "$tmp/original"

expect_rc "--version" 0 "$BIN/lxc-update-config" --version
expect_contains "--version names lxcpp" "lxcpp" "$("$BIN/lxc-update-config" --version)"
expect_contains "usage without arguments" "--config" "$("$BIN/lxc-update-config")"
expect_rc "missing file" 1 "$BIN/lxc-update-config" -c "$tmp/nope"
expect_rc "update" 0 "$BIN/lxc-update-config" -c "$cfg"

expect_eq "backup holds the original" "$(cat "$tmp/original")" "$(cat "$cfg.backup")"
out=$(cat "$cfg")
expect_contains "utsname renamed" "lxc.uts.name = old" "$out"
expect_contains "rootfs gets its driver" "lxc.rootfs.path = dir:/var/lib/lxc/old/rootfs" "$out"
expect_contains "tty renamed" "lxc.tty.max = 4" "$out"
expect_contains "pts renamed" "lxc.pty.max = 1024" "$out"
expect_contains "loglevel renamed" "lxc.log.level = 1" "$out"
expect_contains "id_map renamed" "lxc.idmap = g 0 100000 65536" "$out"
expect_contains "limit renamed" "lxc.prlimit.nofile = 1024:2048" "$out"
expect_contains "haltsignal renamed" "lxc.signal.halt = SIGRTMIN+3" "$out"
expect_contains "first network numbered 0" "lxc.net.0.link = lxcbr0" "$out"
expect_contains "ipv4 becomes ipv4.address" "lxc.net.0.ipv4.address = 10.0.3.5/24" "$out"
expect_contains "commented key renamed too" "#lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx" "$out"
expect_contains "second network numbered 1" "lxc.net.1.name = eth1" "$out"
expect_contains "comment kept" "# Template used to create this container" "$out"
if grep -qE 'lxc\.(pivotdir|rootfs\.backend)' "$cfg"; then fail_check "dropped keys removed"; else pass "dropped keys removed"; fi

# A second run changes nothing.
cp "$cfg" "$tmp/after1"
"$BIN/lxc-update-config" -c "$cfg"
expect_eq "idempotent" "$(cat "$tmp/after1")" "$(cat "$cfg")"

finish
