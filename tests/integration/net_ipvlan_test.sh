#!/usr/bin/env bash
# lxc.net.N.type = ipvlan: two containers in l2 mode on one parent (a veth
# end) reach each other; l3 mode with isolation private comes up with its
# flags. Skips where the kernel has no ipvlan driver.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
net_enter "$@"
ip link add ntxiv0 type veth peer name ntxiv1
need_link_type ntxiv0 ipvlan ipvlan
ip link set ntxiv0 up
ip link set ntxiv1 up
before=$(host_links)
iv() {  # iv NAME MODE ISOLATION ADDR
  net_container "$1" "lxc.net.0.type = ipvlan" "lxc.net.0.link = ntxiv0" "lxc.net.0.ipvlan.mode = $2" \
    "lxc.net.0.ipvlan.isolation = $3" "lxc.net.0.flags = up" "lxc.net.0.ipv4.address = $4/24"
}
a=nt-iva-$$ b=nt-ivb-$$ c=nt-ivc-$$
iv "$a" l2 bridge 10.94.0.2
iv "$b" l2 bridge 10.94.0.3
net_start "$a" && net_start "$b" && pass "ipvlan l2 containers start" || fail_check "ipvlan l2 start"
expect_contains "ipvlan l2 mode" "ipvlan  mode l2 bridge" "$(in_ct "$a" ip -d -o link show dev eth0)"
can_ping "$a" 10.94.0.3 && pass "ipvlan: containers reach each other" || fail_check "ipvlan ping"
net_stop "$a"
net_stop "$b"
iv "$c" l3 private 10.94.0.4
net_start "$c" && pass "ipvlan l3 private starts" || fail_check "ipvlan l3 private starts"
expect_contains "ipvlan l3 private" "mode l3 private" "$(in_ct "$c" ip -d -o link show dev eth0)"
net_stop "$c"
expect_eq "nothing left on the host" "$before" "$(host_links)"
finish
