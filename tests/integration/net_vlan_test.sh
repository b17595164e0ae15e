#!/usr/bin/env bash
# lxc.net.N.type = vlan: a container on VLAN 100 of one end of a veth pair
# reaches a peer on VLAN 100 of the other end, not one on VLAN 200 (same
# subnet). Skips where the kernel has no 802.1q driver.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
net_enter "$@"
ip link add ntxvl0 type veth peer name ntxvl1
need_link_type ntxvl0 vlan 8021q id 5
ip link set ntxvl0 up
ip link set ntxvl1 up
before=$(host_links)
vl() {  # vl NAME LINK VID ADDR
  net_container "$1" "lxc.net.0.type = vlan" "lxc.net.0.link = $2" "lxc.net.0.vlan.id = $3" \
    "lxc.net.0.flags = up" "lxc.net.0.ipv4.address = $4/24"
}
c=nt-vl100-$$ p1=nt-vlp100-$$ p2=nt-vlp200-$$
vl "$c" ntxvl0 100 10.95.0.2
vl "$p1" ntxvl1 100 10.95.0.1
vl "$p2" ntxvl1 200 10.95.0.3
for n in "$c" "$p1" "$p2"; do net_start "$n" && pass "start $n" || fail_check "start $n"; done
expect_contains "vlan id 100 inside" "vlan protocol 802.1Q id 100" "$(in_ct "$c" ip -d -o link show dev eth0)"
can_ping "$c" 10.95.0.1 && pass "VLAN 100 reaches VLAN 100" || fail_check "VLAN 100 reaches VLAN 100"
can_ping "$c" 10.95.0.3 && fail_check "VLAN 100 must not reach VLAN 200" || pass "VLAN 100 does not reach VLAN 200"
for n in "$c" "$p1" "$p2"; do net_stop "$n"; done
expect_eq "nothing left on the host" "$before" "$(host_links)"
finish
