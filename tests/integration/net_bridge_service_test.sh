#!/usr/bin/env bash
# The host bridge service (lxc-net, LXC's lxcbr0), run inside the test's own
# network namespace with its settings, state and leases in the test's
# directory: start brings up the bridge with its address, dnsmasq and the
# NAT rule (nftables: set nat_nets + masquerade); a busybox container with
# LXC's default network (veth on the bridge, up, 00:16:3e:xx:xx:xx) gets a
# DHCP address from it and reaches the bridge; stop leaves the namespace as
# it was. The iptables variant (LXC_USE_NFT=false) adds and removes its rules.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
net_enter "$@"
SRC=${LXCPP_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
LXCNET=$SRC/scripts/lxc-net
command -v dnsmasq >/dev/null || skip "dnsmasq (dnsmasq-base) is not installed"
command -v nft >/dev/null || skip "nftables is not installed"
nft list tables >/dev/null 2>&1 || skip "the kernel has no nf_tables"

export LXC_NET_CONFIG=$NET_LP/lxc-net.conf LXC_NET_RUNDIR=$NET_LP/run LXC_NET_LEASEDIR=$NET_LP/leases
cat >"$LXC_NET_CONFIG" <<'EOF'
USE_LXC_BRIDGE="true"
LXC_BRIDGE="ntxlxcbr0"
LXC_ADDR="10.90.0.1"
LXC_NETMASK="255.255.255.0"
LXC_NETWORK="10.90.0.0/24"
LXC_DHCP_RANGE="10.90.0.50,10.90.0.60"
LXC_DHCP_MAX="11"
LXC_USE_NFT="true"
EOF
state() {
  host_links
  ip -o addr show | awk '{print $2, $3, $4}'
  ip route show
  nft list ruleset
  ls "$LXC_NET_RUNDIR" 2>/dev/null || true
}
before=$(state)
stop_service() { "$LXCNET" stop >/dev/null 2>&1 || true; }
trap 'stop_service; remove_lxcpath "$NET_LP"' EXIT

expect_rc "lxc-net start" 0 "$LXCNET" start
expect_contains "bridge up with its address" "inet 10.90.0.1/24" "$(ip -o addr show dev ntxlxcbr0)"
expect_contains "bridge has LXC's MAC" "00:16:3e:00:00:00" "$(ip -o link show dev ntxlxcbr0)"
nat=$(nft list table ip lxc 2>&1)
expect_contains "nat_nets holds the network" "10.90.0.0/24" "$(nft list set ip lxc nat_nets 2>&1)"
expect_contains "masquerade rule" "ip saddr @nat_nets ip daddr != @nat_nets counter packets" "$nat"
expect_contains "masquerade rule (action)" "masquerade" "$nat"
pid=$(cat "$LXC_NET_RUNDIR/dnsmasq.pid" 2>/dev/null || true)
[ -n "$pid" ] && [ -e "/proc/$pid" ] && pass "dnsmasq runs" || fail_check "dnsmasq runs"
expect_rc "a second start says it runs already" 1 "$LXCNET" start

# LXC's default network, as /etc/lxc/default.conf has it.
c=nt-dhcp-$$
"$BIN/lxc-create" -P "$NET_LP" -n "$c" -t busybox >/dev/null 2>&1 || fail_check "lxc-create"
cat >>"$NET_LP/$c/config" <<'EOF'
lxc.net.0.type = veth
lxc.net.0.link = ntxlxcbr0
lxc.net.0.flags = up
lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx
EOF
net_start "$c" && pass "busybox container starts on the bridge" || fail_check "start $c"
ip4=
for _ in $(seq 1 100); do
  ip4=$("$BIN/lxc-info" -P "$NET_LP" -n "$c" -i -H 2>/dev/null | awk '{print $NF}' | grep '^10\.90\.0\.' || true)
  [ -n "$ip4" ] && break
  sleep 0.2
done
[[ $ip4 =~ ^10\.90\.0\.(5[0-9]|60)$ ]] && pass "DHCP address from the range ($ip4)" || fail_check "DHCP address: [$ip4]"
can_ping "$c" 10.90.0.1 && pass "the container reaches the bridge" || fail_check "ping the bridge"
expect_contains "dnsmasq recorded the lease" "$ip4" "$(cat "$LXC_NET_LEASEDIR/dnsmasq.ntxlxcbr0.leases" 2>/dev/null)"
expect_contains "default route via the bridge (udhcpc)" "default via 10.90.0.1" "$(in_ct "$c" ip route show)"
net_stop "$c"

expect_rc "lxc-net restart" 0 "$LXCNET" restart
expect_contains "after restart: NAT rule" "masquerade" "$(nft list table ip lxc 2>&1)"
# (a zombie waiting for whoever adopted it counts as gone)
alive() { [ -n "$1" ] && [ -e "/proc/$1" ] && ! grep -q '^State:.*Z' "/proc/$1/status" 2>/dev/null; }
pid2=$(cat "$LXC_NET_RUNDIR/dnsmasq.pid" 2>/dev/null || true)
expect_rc "lxc-net stop" 0 "$LXCNET" stop
expect_eq "after stop: no lxc tables" "" "$(nft list tables | grep lxc || true)"
! alive "$pid" && ! alive "$pid2" && pass "dnsmasq stopped" || fail_check "dnsmasq stopped ($pid $pid2)"
expect_eq "after stop: the namespace as it was" "$before" "$(state)"
expect_rc "a second stop says it is not running" 1 "$LXCNET" stop

# iptables instead of nftables.
if command -v iptables >/dev/null && iptables -t nat -S >/dev/null 2>&1; then
  echo 'LXC_USE_NFT="false"' >>"$LXC_NET_CONFIG"
  expect_rc "lxc-net start (iptables)" 0 "$LXCNET" start
  expect_contains "iptables masquerade rule" "-A POSTROUTING -s 10.90.0.0/24 ! -d 10.90.0.0/24 -j MASQUERADE" \
    "$(iptables -w -t nat -S POSTROUTING)"
  expect_eq "no nft lxc table in iptables mode" "" "$(nft list tables | grep 'table ip lxc' || true)"
  expect_rc "lxc-net stop (iptables)" 0 "$LXCNET" stop
  expect_eq "iptables rules gone" "" "$(iptables -w -t nat -S POSTROUTING | grep MASQUERADE || true)"
  expect_eq "iptables INPUT rules gone" "" "$(iptables -w -S INPUT | grep ntxlxcbr0 || true)"
else
  echo "     (iptables unusable here: its variant is not checked)"
fi
finish
