#!/usr/bin/env bash
# lxc.net.N.type = veth in bridge mode: two containers on a test bridge
# reach each other and the bridge; name, mtu, hwaddr, addresses and the
# gateway (auto) inside are as configured; the host ends are on the bridge
# while the containers run and gone after they stop, also across a reboot;
# lxc-info -i and lxc-ls -f show the addresses. lxc-execute gets its veth and
# leaves no interface behind, run after run. A root-made container with
# lxc.idmap gets its veth too. All of it inside a netns of the test's own.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
net_enter "$@"

ip link add ntxbr0 type bridge
ip addr add 10.99.0.1/24 dev ntxbr0
ip -6 addr add fd99::1/64 dev ntxbr0 nodad
ip link set ntxbr0 up

c1=nt-veth1-$$ c2=nt-veth2-$$
net_container "$c1" \
  "lxc.net.0.type = veth" "lxc.net.0.link = ntxbr0" "lxc.net.0.flags = up" "lxc.net.0.name = ntxin0" \
  "lxc.net.0.mtu = 1400" "lxc.net.0.hwaddr = 00:16:3e:aa:bb:01" \
  "lxc.net.0.ipv4.address = 10.99.0.11/24" "lxc.net.0.ipv4.address = 10.98.0.11/16 10.98.255.254" \
  "lxc.net.0.ipv4.gateway = auto" "lxc.net.0.ipv6.address = fd99::11/64" \
  "lxc.net.1.type = veth" "lxc.net.1.flags = up"
net_container "$c2" \
  "lxc.net.0.type = veth" "lxc.net.0.link = ntxbr0" "lxc.net.0.flags = up" "lxc.net.0.veth.pair = ntxpair2" \
  "lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx" "lxc.net.0.ipv4.address = 10.99.0.12/24" \
  "lxc.net.0.ipv4.address = 10.97.5.200" "lxc.net.0.ipv4.address = 10.96.0.7"

before=$(host_links)
net_start "$c1" && pass "start $c1" || fail_check "start $c1"
net_start "$c2" && pass "start $c2" || fail_check "start $c2"

expect_eq "configured name and mtu" "1400" "$(link_attr "$c1" ntxin0 mtu)"
expect_eq "configured hwaddr" "00:16:3e:aa:bb:01" "$(link_attr "$c1" ntxin0 ether)"
expect_eq "the second interface defaults to eth0" "eth0 lo ntxin0" \
  "$(in_ct "$c1" ip -o link show | awk -F': ' '{sub(/@.*/, "", $2); print $2}' | sort | tr '\n' ' ' | sed 's/ $//')"
expect_eq "mtu from the bridge without lxc.net.N.mtu" "1400" "$(link_attr "$c2" eth0 mtu)"
mac2=$(link_attr "$c2" eth0 ether)
[[ $mac2 == 00:16:3e:* && $mac2 != *x* ]] && pass "x in hwaddr randomised ($mac2)" || fail_check "hwaddr template: $mac2"
addrs=$(in_ct "$c1" ip -o addr show dev ntxin0 | awk '{print $3, $4, $5, $6}')
expect_contains "ipv4 address" "inet 10.99.0.11/24 brd 10.99.0.255" "$addrs"
expect_contains "second ipv4 address with its broadcast" "inet 10.98.0.11/16 brd 10.98.255.254" "$addrs"
expect_contains "ipv6 address" "inet6 fd99::11/64" "$addrs"
# No prefix: LXC's classful one, its class read (on this little-endian host)
# from the last octet as LXC's config_ip_prefix does; the broadcast follows.
if [ "$(printf '\1\0' | od -An -tu2 | tr -d ' ')" = 1 ]; then
  addrs2=$(in_ct "$c2" ip -o addr show dev eth0 | awk '{print $3, $4, $5, $6}')
  expect_contains "no prefix, last octet of class C: /24" "inet 10.97.5.200/24 brd 10.97.5.255" "$addrs2"
  expect_contains "no prefix, last octet of class A: /8" "inet 10.96.0.7/8 brd 10.255.255.255" "$addrs2"
fi
expect_eq "ipv4.gateway = auto: default route via the bridge" "default via 10.99.0.1 dev ntxin0" \
  "$(in_ct "$c1" ip route show default | awk '{print $1, $2, $3, $4, $5}')"
expect_eq "flags = up" "UP" "$(link_attr "$c1" ntxin0 state)"

ports() { ip -o link show master ntxbr0 | awk -F': ' '{sub(/@.*/, "", $2); print $2}' | sort; }
expect_contains "veth.pair names the host end, on the bridge" "master ntxbr0" "$(ip -o link show dev ntxpair2)"
expect_eq "two host ends on the bridge" 2 "$(ports | wc -l)"
auto=$(ports | grep -v ntxpair2)
[[ $auto =~ ^veth[A-Za-z0-9]{6}$ ]] && pass "default host name vethXXXXXX ($auto)" || fail_check "host name: $auto"
hmac=$(ip -o link show dev "$auto" | grep -o 'link/ether [^ ]*' | cut -d' ' -f2)
[[ $hmac == fe:* ]] && pass "host end's MAC starts with fe" || fail_check "host end's MAC: $hmac"
expect_eq "three host ends in all (lxc.net.1 has no link)" "3" "$(ip -o link show type veth | wc -l)"

can_ping "$c1" 10.99.0.12 && pass "$c1 reaches $c2" || fail_check "$c1 reaches $c2"
can_ping "$c2" 10.99.0.11 && pass "$c2 reaches $c1" || fail_check "$c2 reaches $c1"
can_ping "$c2" 10.99.0.1 && pass "$c2 reaches the bridge" || fail_check "$c2 reaches the bridge"

info=$("$BIN/lxc-info" -P "$NET_LP" -n "$c1" -i)
expect_contains "lxc-info -i: ipv4" "10.99.0.11" "$info"
expect_contains "lxc-info -i: second ipv4" "10.98.0.11" "$info"
expect_contains "lxc-info -i: ipv6" "fd99::11" "$info"
ls_out=$("$BIN/lxc-ls" -P "$NET_LP" -f -F NAME,IPV4,IPV6)
expect_contains "lxc-ls -f IPV4" "10.99.0.11" "$(grep "$c1" <<<"$ls_out")"
expect_contains "lxc-ls -f IPV6" "fd99::11" "$(grep "$c1" <<<"$ls_out")"

net_stop "$c1"
net_stop "$c2"
expect_eq "no host interface left after stop" "$before" "$(host_links)"
expect_eq "bridge has no ports left" "" "$(ports)"

# A reboot makes the interfaces again (busybox init: SIGTERM makes it reboot).
c3=nt-vethr-$$
"$BIN/lxc-create" -P "$NET_LP" -n "$c3" -t busybox >/dev/null 2>&1
cat >>"$NET_LP/$c3/config" <<EOF
lxc.net.0.type = veth
lxc.net.0.link = ntxbr0
lxc.net.0.veth.pair = ntxreboot
lxc.net.0.flags = up
lxc.net.0.ipv4.address = 10.99.0.13/24
EOF
# No udhcpc: it would flush the static address.
sed -i 's|^/bin/udhcpc|true|' "$NET_LP/$c3/rootfs/etc/init.d/rcS"
net_start "$c3" || fail_check "start $c3"
ifindex() { ip -o link show dev "$1" 2>/dev/null | cut -d: -f1; }
old=$(ifindex ntxreboot)
kill -TERM "$(net_pid "$c3")"
new=
for _ in $(seq 1 100); do
  new=$(ifindex ntxreboot || true)
  [ -n "$new" ] && [ "$new" != "$old" ] && break
  sleep 0.1
done
[ -n "$old" ] && [ -n "$new" ] && [ "$new" != "$old" ] && pass "reboot: a new veth (ifindex $old -> $new)" ||
  fail_check "reboot: veth ifindex $old -> $new"
"$BIN/lxc-wait" -P "$NET_LP" -n "$c3" -s RUNNING -t 10 >/dev/null
for _ in $(seq 1 50); do can_ping "$c3" 10.99.0.1 && break; sleep 0.1; done
can_ping "$c3" 10.99.0.1 && pass "after the reboot the container reaches the bridge" || fail_check "ping after reboot"
net_stop "$c3"
expect_eq "no host interface left after reboot and stop" "$before" "$(host_links)"

# veth with a user namespace (root-made container with lxc.idmap).
cu=nt-vethu-$$
net_container "$cu" "lxc.idmap = u 0 100000 65536" "lxc.idmap = g 0 100000 65536" \
  "lxc.net.0.type = veth" "lxc.net.0.link = ntxbr0" "lxc.net.0.flags = up" "lxc.net.0.ipv4.address = 10.99.0.14/24"
chmod 755 "$NET_LP/$cu"
if net_start "$cu"; then
  pass "start with lxc.idmap and a veth"
  expect_eq "init runs as a mapped uid" 100000 "$(ps -o uid= -p "$(net_pid "$cu")" | tr -d ' ')"
  can_ping "$cu" 10.99.0.1 && pass "userns container reaches the bridge" || fail_check "userns container ping"
else
  fail_check "start with lxc.idmap and a veth"
fi
net_stop "$cu"
expect_eq "no host interface left (userns)" "$before" "$(host_links)"

# lxc-execute with a veth: the command sees it; lxc-execute returns without
# sitting through the host end's removal (a child of its own does it), and a
# run right after with the same veth.pair name works.
ce=nt-vethx-$$
net_container "$ce" "lxc.net.0.type = veth" "lxc.net.0.link = ntxbr0" "lxc.net.0.flags = up" \
  "lxc.net.0.veth.pair = ntxexec" "lxc.net.0.name = eth0" "lxc.net.0.ipv4.address = 10.99.0.15/24"
for run in 1 2 3; do
  out=$("$BIN/lxc-execute" -P "$NET_LP" -n "$ce" -- ip -o -4 addr show dev eth0 2>&1)
  expect_contains "lxc-execute run $run: the command sees its veth" "10.99.0.15/24" "$out"
done
left=
for _ in $(seq 1 50); do
  left=$(host_links)
  [ "$left" = "$before" ] && break
  sleep 0.1
done
expect_eq "no host interface left after lxc-execute" "$before" "$left"
finish
