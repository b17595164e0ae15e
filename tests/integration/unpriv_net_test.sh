#!/usr/bin/env bash
# Networking of a normal user's container (no root anywhere but the setuid
# lxc-user-nic): lxc.net.0.type = veth on a bridge granted in
# /etc/lxc/lxc-usernet gets its pair through lxc-user-nic, its address, mtu,
# hwaddr and gateway from the monitor through the container's user
# namespace; two such containers reach each other and the bridge; lxc-info
# -i shows the address; the quota and ungranted bridges are refused with the
# key named and nothing left; what needs host root (macvlan, router mode) is
# refused before anything is made; a stop leaves no interface behind.
. "$(dirname "$0")/lib.sh"
need_root
[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)" != 0 ] || skip "user namespaces are disabled"
command -v newuidmap >/dev/null && command -v newgidmap >/dev/null || skip "newuidmap/newgidmap (package uidmap) missing"
command -v useradd >/dev/null && command -v runuser >/dev/null || skip "useradd/runuser missing"
[ -x "$BIN/libexec/lxc-user-nic" ] || skip "$BIN/libexec/lxc-user-nic not built"

br=unbr$$
br2=unbx$$
ip link add "$br" type bridge 2>/dev/null || skip "no bridge support"
ip link add unvt$$ type veth peer name unvu$$ 2>/dev/null || { ip link del "$br"; skip "no veth support"; }
ip link del unvt$$
ip link add "$br2" type bridge

user=unt$$
base=$((4000000 + ($$ % 500) * 65536))
dir=$(mktemp -d /tmp/lxcpp-test-unet-XXXXXX)
home=$dir/home
usernet=/etc/lxc/lxc-usernet
db=/run/lxc/nics
for f in "$usernet" "$db"; do [ -e "$f" ] && cp -a "$f" "$dir/$(basename "$f").saved"; done
had_etc_lxc=$([ -d /etc/lxc ] && echo yes || echo no)
had_run_lxc=$([ -d /run/lxc ] && echo yes || echo no)
cleanup() {
  remove_subid_user "$user"
  ip link del "$br" 2>/dev/null || true
  ip link del "$br2" 2>/dev/null || true
  for f in "$usernet" "$db"; do
    if [ -e "$dir/$(basename "$f").saved" ]; then cp -a "$dir/$(basename "$f").saved" "$f"; else rm -f "$f"; fi
  done
  [ "$had_etc_lxc" = yes ] || rmdir /etc/lxc 2>/dev/null || true
  [ "$had_run_lxc" = yes ] || rmdir /run/lxc 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
chmod 755 "$dir"
add_subid_user "$user" "$base" "$home"
mkdir -p "$home/.config/lxc" "$home/.local/share"
cat >"$home/.config/lxc/default.conf" <<EOF
lxc.net.0.type = veth
lxc.net.0.link = $br
lxc.net.0.flags = up
lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx
lxc.idmap = u 0 $base 65536
lxc.idmap = g 0 $base 65536
EOF
chown -R "$user" "$home"
chmod 755 "$home" "$home/.local" "$home/.local/share"
# lxc-user-nic as it is installed: setuid root (a copy; the build stays as it is).
cp "$BIN/libexec/lxc-user-nic" "$dir/lxc-user-nic"
chmod 4755 "$dir/lxc-user-nic"
mkdir -p /etc/lxc
echo "$user veth $br 2" >"$usernet"
ip addr add 10.213.7.1/24 dev "$br"
ip link set "$br" up
as_user() { runuser -u "$user" -- env HOME="$home" LXCPP_USER_NIC="$dir/lxc-user-nic" "$@"; }
L=$home/.local/share/lxc
inside() { as_user "$BIN/lxc-attach" -n "$1" -- "${@:2}"; }

for c in n1 n2 n3; do
  expect_rc "lxc-create $c as $user" 0 as_user "$BIN/lxc-create" -n $c -t busybox
done
# No udhcpc (the busybox template's rcS runs it, and its script flushes the
# static addresses, with LXC as with us).
for c in n1 n2 n3; do sed -i 's|^/bin/udhcpc|true|' "$L/$c/rootfs/etc/init.d/rcS"; done
printf 'lxc.net.0.ipv4.address = 10.213.7.11/24\nlxc.net.0.ipv4.gateway = auto\nlxc.net.0.mtu = 1400\n' >>"$L/n1/config"
printf 'lxc.net.0.ipv4.address = 10.213.7.12/24\nlxc.net.0.ipv6.address = fd42:7::12/64\n' >>"$L/n2/config"
printf 'lxc.net.0.ipv4.address = 10.213.7.13/24\n' >>"$L/n3/config"

rc=0
out=$(as_user "$BIN/lxc-start" -n n1 2>&1) || rc=$?
expect_eq "lxc-start n1 (veth on $br) as $user" 0 "$rc"
[ "$rc" = 0 ] || echo "$out"
expect_rc "lxc-start n2" 0 as_user "$BIN/lxc-start" -n n2
expect_eq "n1: eth0 has its address" "10.213.7.11/24" \
  "$(inside n1 ip -4 -o addr show dev eth0 | awk '{print $4}')"
expect_contains "n1: eth0 is up with lxc.net.0.mtu" "mtu 1400" "$(inside n1 ip link show dev eth0)"
hw=$(inside n1 cat /sys/class/net/eth0/address)
expect_eq "n1: hwaddr from the template, xx randomised" "yes" \
  "$([[ $hw =~ ^00:16:3e:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$ ]] && echo yes || echo "no: $hw")"
expect_eq "n1: the default route goes to the bridge's address (gateway = auto)" "10.213.7.1" \
  "$(inside n1 ip -4 route show default | awk '{print $3}')"
expect_eq "n2: the IPv6 address too" "fd42:7::12/64" \
  "$(inside n2 ip -6 -o addr show dev eth0 scope global | awk '{print $4}')"
expect_eq "the host ends are on $br" 2 "$(ip -o link show master "$br" | wc -l)"
expect_rc "n1 pings the bridge" 0 inside n1 ping -c 1 -W 5 10.213.7.1
expect_rc "n2 pings n1" 0 inside n2 ping -c 1 -W 5 10.213.7.11
expect_contains "lxc-info -i as $user" "10.213.7.11" "$(as_user "$BIN/lxc-info" -n n1 -i)"
expect_contains "lxc-ls -f as $user" "10.213.7.12" "$(as_user "$BIN/lxc-ls" -f -F NAME,IPV4)"
expect_eq "/run/lxc/nics counts both against $user" 2 "$(grep -c "^$user veth $br " "$db")"

# The quota (2) is used up: the third fails, naming the key, leaving nothing.
rc=0
out=$(as_user "$BIN/lxc-start" -n n3 2>&1) || rc=$?
expect_eq "a third veth over the quota: lxc-start fails" 1 "$rc"
expect_contains "... naming the key" "lxc.net.0.link" "$out"
expect_contains "... and the cause" "Quota reached" "$out"
expect_eq "... n3 is STOPPED" STOPPED "$(as_user "$BIN/lxc-info" -n n3 -s | awk '{print $NF}')"
expect_eq "... no process of n3's left" "" "$(pgrep -f -- "-n n3" || true)"
expect_eq "... still two host ends on $br" 2 "$(ip -o link show master "$br" | wc -l)"

expect_rc "lxc-stop n1" 0 as_user "$BIN/lxc-stop" -n n1 -k
expect_rc "lxc-stop n2" 0 as_user "$BIN/lxc-stop" -n n2 -t 10
for _ in $(seq 50); do [ "$(ip -o link show master "$br" | wc -l)" = 0 ] && break; sleep 0.1; done
expect_eq "stopped: no interface left on $br" 0 "$(ip -o link show master "$br" | wc -l)"
expect_rc "with the quota free again n3 starts" 0 as_user "$BIN/lxc-start" -n n3
expect_rc "n3 pings the bridge" 0 inside n3 ping -c 1 -W 5 10.213.7.1
expect_rc "lxc-stop n3" 0 as_user "$BIN/lxc-stop" -n n3 -k

# A bridge the user was not granted.
sed -i "s/^lxc.net.0.link = .*/lxc.net.0.link = $br2/" "$L/n3/config"
rc=0
out=$(as_user "$BIN/lxc-start" -n n3 2>&1) || rc=$?
expect_eq "an ungranted bridge: lxc-start fails" 1 "$rc"
expect_contains "... naming the key" "lxc.net.0.link" "$out"
expect_eq "... nothing on $br2" 0 "$(ip -o link show master "$br2" | wc -l)"

# What only root can do is refused before anything is made.
sed -i "s/^lxc.net.0.type = .*/lxc.net.0.type = macvlan/" "$L/n3/config"
rc=0
out=$(as_user "$BIN/lxc-start" -n n3 2>&1) || rc=$?
expect_eq "macvlan unprivileged: lxc-start fails" 1 "$rc"
expect_contains "... naming the key" "lxc.net.0.type: type macvlan needs root on the host" "$out"
sed -i "s/^lxc.net.0.type = .*/lxc.net.0.type = veth/; s/^lxc.net.0.link = .*/lxc.net.0.link = $br/" "$L/n3/config"
echo "lxc.net.0.veth.mode = router" >>"$L/n3/config"
rc=0
out=$(as_user "$BIN/lxc-start" -n n3 2>&1) || rc=$?
expect_eq "router mode unprivileged: lxc-start fails" 1 "$rc"
expect_contains "... naming the key" "lxc.net.0.veth.mode" "$out"

for c in n1 n2 n3; do
  expect_rc "lxc-destroy $c" 0 as_user "$BIN/lxc-destroy" -n $c
done
expect_eq "no process of the container's ids left" "" "$(pgrep -u "$base" || true)"
expect_eq "no process of the user left" "" "$(ps -u "$user" -o stat=,args= | awk '$1 !~ /^Z/' || true)"
expect_eq "no interface left on either bridge" 0 "$({ ip -o link show master "$br"; ip -o link show master "$br2"; } | wc -l)"
finish
