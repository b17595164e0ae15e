#!/usr/bin/env bash
# The other interface types, each in the test's own netns: veth router mode
# reaches the host link's address (IPv4 and IPv6); macvlan on a veth parent:
# bridge mode containers reach each other, private mode ones do not, vepa
# and passthru come up in their mode; phys: a veth end moved in, used, and
# back under its name, mtu and state after stop; empty has only lo; none
# sees the host namespace's interfaces; lxc-device add/del moves an
# interface in and out of a running container.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
net_enter "$@"
before=$(host_links)
macvlan_mode() { in_ct "$1" ip -d -o link show dev eth0 | grep -o 'macvlan mode [a-z]*' | cut -d' ' -f3; }

# ---- veth, router mode
ip link add ntxup0 type veth peer name ntxup1
ip addr add 192.0.2.1/24 dev ntxup0
ip -6 addr add 2001:db8::1/64 dev ntxup0 nodad
ip link set ntxup0 up
ip link set ntxup1 up
r=nt-router-$$
net_container "$r" "lxc.net.0.type = veth" "lxc.net.0.veth.mode = router" "lxc.net.0.link = ntxup0" \
  "lxc.net.0.flags = up" "lxc.net.0.veth.pair = ntxrtr" "lxc.net.0.ipv4.address = 198.51.100.5/32" \
  "lxc.net.0.ipv4.gateway = 192.0.2.1" "lxc.net.0.ipv6.address = 2001:db8:5::5/128" \
  "lxc.net.0.ipv6.gateway = 2001:db8::1" "lxc.net.0.veth.ipv4.route = 203.0.113.0/24"
if net_start "$r"; then
  pass "router mode starts"
  expect_contains "host route to the container's address" "198.51.100.5 dev ntxrtr" "$(ip route show 198.51.100.5)"
  expect_contains "host route to the container's IPv6 address" "2001:db8:5::5 dev ntxrtr" "$(ip -6 route show 2001:db8:5::5)"
  expect_contains "veth.ipv4.route on the host" "203.0.113.0/24 dev ntxrtr" "$(ip route show 203.0.113.0/24)"
  expect_contains "proxy ARP entry for the gateway" "192.0.2.1 dev ntxrtr" "$(ip neigh show proxy)"
  expect_eq "no bridge master in router mode" "" "$(ip -o link show dev ntxrtr | grep -o 'master [^ ]*' || true)"
  can_ping "$r" 192.0.2.1 && pass "router mode reaches the host link's address" || fail_check "router mode ping 192.0.2.1"
  for _ in $(seq 1 30); do can_ping "$r" 2001:db8::1 && break; sleep 0.1; done
  can_ping "$r" 2001:db8::1 && pass "router mode reaches the host link's IPv6 address" || fail_check "router mode ping6"
else
  fail_check "router mode starts"
fi
net_stop "$r"
expect_eq "router mode: proxy entries gone" "" "$(ip neigh show proxy)"
expect_eq "router mode: host routes gone" "" "$(ip route show 198.51.100.5; ip route show 203.0.113.0/24)"

# ---- macvlan on a veth parent
ip link add ntxmv0 type veth peer name ntxmv1
ip link set ntxmv0 up
ip link set ntxmv1 up
mv() {  # mv NAME MODE ADDR
  net_container "$1" "lxc.net.0.type = macvlan" "lxc.net.0.link = ntxmv0" "lxc.net.0.macvlan.mode = $2" \
    "lxc.net.0.flags = up" "lxc.net.0.ipv4.address = $3/24"
}
b1=nt-mvb1-$$ b2=nt-mvb2-$$ p1=nt-mvp1-$$ p2=nt-mvp2-$$
mv "$b1" bridge 10.96.0.11
mv "$b2" bridge 10.96.0.12
net_start "$b1" && net_start "$b2" && pass "macvlan bridge containers start" || fail_check "macvlan bridge start"
expect_eq "macvlan bridge mode" "bridge" "$(macvlan_mode "$b1")"
can_ping "$b1" 10.96.0.12 && pass "macvlan bridge: containers reach each other" || fail_check "macvlan bridge ping"
net_stop "$b1"
net_stop "$b2"
mv "$p1" private 10.96.0.21
mv "$p2" private 10.96.0.22
net_start "$p1" && net_start "$p2" && pass "macvlan private containers start" || fail_check "macvlan private start"
expect_eq "macvlan default-less private mode" "private" "$(macvlan_mode "$p1")"
can_ping "$p1" 10.96.0.22 && fail_check "macvlan private: containers must not reach each other" ||
  pass "macvlan private: containers do not reach each other"
net_stop "$p1"
net_stop "$p2"
v=nt-mvv-$$ t=nt-mvt-$$
mv "$v" vepa 10.96.0.31
mv "$t" passthru 10.96.0.41
net_start "$v" && expect_eq "macvlan vepa mode" "vepa" "$(macvlan_mode "$v")" || fail_check "macvlan vepa start"
net_stop "$v"
net_start "$t" && expect_eq "macvlan passthru mode" "passthru" "$(macvlan_mode "$t")" || fail_check "macvlan passthru start"
net_stop "$t"
# passthru again right away: the old one must be gone from the parent.
net_start "$t" && pass "passthru again after a stop" || fail_check "passthru again after a stop"
net_stop "$t"

# ---- phys: a veth end, moved in and back
ip link add ntxph0 type veth peer name ntxph1
ip link set ntxph0 mtu 1450
ip link set ntxph0 up
ip addr add 10.97.0.1/24 dev ntxph1
ip link set ntxph1 up
ph=nt-phys-$$
net_container "$ph" "lxc.net.0.type = phys" "lxc.net.0.link = ntxph0" "lxc.net.0.name = ntxinside" \
  "lxc.net.0.mtu = 1300" "lxc.net.0.flags = up" "lxc.net.0.ipv4.address = 10.97.0.2/24"
if net_start "$ph"; then
  pass "phys starts"
  expect_eq "phys is gone from the host while the container runs" "" "$(ip -o link show dev ntxph0 2>/dev/null)"
  expect_eq "phys inside under its new name and mtu" "1300" "$(link_attr "$ph" ntxinside mtu)"
  can_ping "$ph" 10.97.0.1 && pass "phys: the container uses it" || fail_check "phys ping"
else
  fail_check "phys starts"
fi
net_stop "$ph"
back=$(ip -o link show dev ntxph0 2>/dev/null)
expect_contains "phys back on the host under its name" "ntxph0" "$back"
expect_contains "phys back with its mtu" "mtu 1450" "$back"
expect_contains "phys back up" ",UP" "$back"

# ---- empty and none
e=nt-empty-$$ n=nt-none-$$
net_container "$e" "lxc.net.0.type = empty"
net_container "$n" "lxc.net.0.type = none"
net_start "$e" && pass "empty starts" || fail_check "empty starts"
expect_eq "empty: only lo" "lo" "$(in_ct "$e" ip -o link show | awk -F': ' '{print $2}')"
expect_contains "empty: lo is up" ",UP" "$(in_ct "$e" ip -o link show dev lo)"
net_stop "$e"
net_start "$n" && pass "none starts" || fail_check "none starts"
expect_contains "none: the host namespace's interfaces" "ntxph0" "$(in_ct "$n" ip -o link show)"
net_stop "$n"

# ---- lxc-device: an interface in and out of a running container
ip link add ntxdev0 type veth peer name ntxdev1
d=nt-dev-$$
net_container "$d" "lxc.net.0.type = empty"
net_start "$d"
expect_rc "lxc-device add ntxdev0 as ntxmoved" 0 "$BIN/lxc-device" -P "$NET_LP" -n "$d" add ntxdev0 ntxmoved
expect_contains "moved in under its new name" "ntxmoved" "$(in_ct "$d" ip -o link show)"
expect_eq "gone from the host" "" "$(ip -o link show dev ntxdev0 2>/dev/null)"
expect_rc "lxc-device del ntxmoved ntxdev0" 0 "$BIN/lxc-device" -P "$NET_LP" -n "$d" del ntxmoved ntxdev0
expect_contains "back on the host" "ntxdev0" "$(ip -o link show dev ntxdev0 2>/dev/null)"
expect_rc "lxc-device add: no such interface" 1 "$BIN/lxc-device" -P "$NET_LP" -n "$d" add ntxnothere
expect_rc "lxc-device add /dev/null as /dev/ntxnull" 0 "$BIN/lxc-device" -P "$NET_LP" -n "$d" add /dev/null /dev/ntxnull
expect_eq "the node has /dev/null's numbers" "1,3" "$(nsenter -t "$(net_pid "$d")" -m stat -c '%t,%T' /dev/ntxnull 2>/dev/null)"
expect_rc "lxc-device del /dev/null /dev/ntxnull" 0 "$BIN/lxc-device" -P "$NET_LP" -n "$d" del /dev/null /dev/ntxnull
expect_eq "the node is gone" "" "$(nsenter -t "$(net_pid "$d")" -m ls /dev/ntxnull 2>/dev/null || true)"
expect_rc "lxc-device del of a node that is not there" 1 "$BIN/lxc-device" -P "$NET_LP" -n "$d" del /dev/ntxnull
net_stop "$d"
expect_rc "lxc-device on a stopped container" 1 "$BIN/lxc-device" -P "$NET_LP" -n "$d" add ntxdev0

ip link del ntxup0
ip link del ntxmv0
ip link del ntxph0
ip link del ntxdev0
expect_eq "nothing left in the test netns" "$before" "$(host_links)"
finish
