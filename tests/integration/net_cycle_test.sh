#!/usr/bin/env bash
# 200 start/stop cycles of a container with two veths (one on a bridge with
# addresses, gateway and a host route; one without a link) leave no
# interface, address, route or neighbour entry behind. Reports the time.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
net_enter "$@"
ip link add ntxbr0 type bridge
# No link-local address of its own: its coming and going is not ours to check.
ip link set ntxbr0 addrgenmode none
ip addr add 10.92.0.1/24 dev ntxbr0
ip link set ntxbr0 up
CYCLES=${NET_CYCLES:-200}
snapshot() {
  {
    host_links
    ip -o addr show | awk '{print $2, $3, $4}'
    ip route show table all
    ip -6 route show table all
    ip neigh show proxy
  } 2>&1 | sed 's/ linkdown//'  # the bridge's carrier follows its ports
}
c=nt-cycle-$$
net_container "$c" "lxc.net.0.type = veth" "lxc.net.0.link = ntxbr0" "lxc.net.0.flags = up" \
  "lxc.net.0.ipv4.address = 10.92.0.2/24" "lxc.net.0.ipv4.gateway = auto" "lxc.net.0.veth.ipv4.route = 10.91.0.0/24" \
  "lxc.net.1.type = veth" "lxc.net.1.flags = up" "lxc.net.1.ipv6.address = fd92::2/64"
L=(-P "$NET_LP" -n "$c")
# One cycle first: the bridge's own state (link-local address, carrier)
# changes once it has had a port; that is the kernel's, not a leak.
"$BIN/lxc-start" "${L[@]}" -d >/dev/null 2>&1 && net_stop "$c"
before=$(snapshot)
t0=$EPOCHREALTIME
fails=0
for ((i = 0; i < CYCLES; i++)); do
  "$BIN/lxc-start" "${L[@]}" -d >/dev/null 2>&1 || { fails=$((fails + 1)); continue; }
  "$BIN/lxc-stop" "${L[@]}" -k >/dev/null 2>&1 || fails=$((fails + 1))
done
t1=$EPOCHREALTIME
"$BIN/lxc-wait" "${L[@]}" -s STOPPED -t 10 >/dev/null 2>&1
net_monitor_gone "$c"
echo "     $CYCLES cycles in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}') s"
expect_eq "every start and stop succeeded" 0 "$fails"
after=$(snapshot)
expect_eq "no interface, address, route or proxy entry left" "$before" "$after"
[ "$before" == "$after" ] || diff <(echo "$before") <(echo "$after") || true
finish
