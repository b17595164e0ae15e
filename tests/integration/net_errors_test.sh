#!/usr/bin/env bash
# Bad network configs fail lxc-start with an error naming the key
# (lxc.net.N.KEY) and leave nothing behind: a link that does not exist, a
# malformed address, two interfaces with one name, a veth.pair name over 15
# characters, passthru twice on one link. A start that fails at the second
# interface removes the first one's host side.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
net_enter "$@"
ip link add ntxbr0 type bridge
ip link set ntxbr0 up
ip link add ntxmv0 type veth peer name ntxmv1
before=$(host_links)

bad() {  # bad DESCRIPTION NEEDLE CONFIG-LINES...
  local desc=$1 needle=$2 name=nt-bad-$checks-$$ rc=0 err
  shift 2
  net_container "$name" "$@"
  err=$("$BIN/lxc-start" -P "$NET_LP" -n "$name" -d 2>&1) || rc=$?
  if [ "$rc" = 0 ]; then
    fail_check "$desc: lxc-start succeeded"
    net_stop "$name"
    return
  fi
  echo "     ($desc: $err)"
  expect_contains "$desc: the error names the key" "$needle" "$err"
  expect_eq "$desc: nothing left" "$before" "$(host_links)"
  expect_eq "$desc: stopped" "STOPPED" "$("$BIN/lxc-info" -P "$NET_LP" -n "$name" -s -H | awk '{print $NF}')"
}

bad "missing link" "lxc.net.0.link = ntxnope" "lxc.net.0.type = veth" "lxc.net.0.link = ntxnope"
bad "malformed address" "lxc.net.0.ipv4.address" "lxc.net.0.type = veth" "lxc.net.0.ipv4.address = 10.0.0.300/24"
bad "malformed ipv6 address" "lxc.net.0.ipv6.address" "lxc.net.0.type = veth" "lxc.net.0.ipv6.address = fd00::zz/64"
bad "one name twice" "lxc.net.1.name" "lxc.net.0.type = veth" "lxc.net.0.name = eth3" \
  "lxc.net.1.type = veth" "lxc.net.1.name = eth3"
bad "veth.pair over 15 characters" "lxc.net.0.veth.pair" "lxc.net.0.type = veth" \
  "lxc.net.0.veth.pair = ntx0123456789abc"
bad "passthru twice" "lxc.net.1.macvlan.mode" \
  "lxc.net.0.type = macvlan" "lxc.net.0.link = ntxmv0" "lxc.net.0.macvlan.mode = passthru" \
  "lxc.net.1.type = macvlan" "lxc.net.1.link = ntxmv0" "lxc.net.1.macvlan.mode = passthru"
bad "macvlan without link" "lxc.net.0.link" "lxc.net.0.type = macvlan"
# Failing at the second interface, after the first was made.
bad "second interface: veth.pair taken" "lxc.net.1.veth.pair" \
  "lxc.net.0.type = veth" "lxc.net.0.link = ntxbr0" "lxc.net.0.veth.pair = ntxfirst" \
  "lxc.net.1.type = veth" "lxc.net.1.link = ntxbr0" "lxc.net.1.veth.pair = ntxmv1"
bad "second interface: gateway without up" "lxc.net.1.ipv4.gateway" \
  "lxc.net.0.type = veth" "lxc.net.0.link = ntxbr0" "lxc.net.0.flags = up" "lxc.net.0.ipv4.address = 10.93.0.2/24" \
  "lxc.net.1.type = veth" "lxc.net.1.link = ntxbr0" "lxc.net.1.ipv4.address = 10.93.1.2/24" \
  "lxc.net.1.ipv4.gateway = 10.93.1.1"
bad "second interface: address taken twice" "lxc.net.1.ipv4.address" \
  "lxc.net.0.type = veth" "lxc.net.0.link = ntxbr0" \
  "lxc.net.1.type = phys" "lxc.net.1.link = ntxmv1" "lxc.net.1.ipv4.address = 10.93.2.2/24" \
  "lxc.net.1.ipv4.address = 10.93.2.2/24"
expect_contains "phys is back after the failed start" "ntxmv1" "$(ip -o link show dev ntxmv1 2>/dev/null)"
expect_eq "no proxy or route left" "" "$(ip neigh show proxy; ip route show)"
finish
