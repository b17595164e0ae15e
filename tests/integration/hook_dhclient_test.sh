#!/usr/bin/env bash
# The dhclient hook (installed with the config snippets, as lxc-oci --dhcp
# names it: lxc.hook.start-host and lxc.hook.stop) gives a busybox container
# an address from dnsmasq on a test bridge: the address from the range and
# the default route in the container, its resolv.conf in the rootfs, the
# lease in dnsmasq's file and the client's pid and lease files in the
# container's hook directory. lxc-stop releases the lease and no dhclient
# is left. Once with lxc.hook.version = 0 (namespaces as arguments), once
# with 1 (in the environment), once more with lxc.idmap (dhclient in the
# container's user namespace). All of it in a netns of the test's own.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
command -v dhclient >/dev/null || [ -x /sbin/dhclient ] || skip "dhclient is not installed (apt-get install isc-dhcp-client)"
command -v dnsmasq >/dev/null || [ -x /usr/sbin/dnsmasq ] || skip "dnsmasq is not installed (apt-get install dnsmasq-base)"
PATH=$PATH:/usr/sbin:/sbin
net_enter "$@"

tmp=$(mktemp -d /tmp/lxcpp-test-dhcp.XXXXXX)
cleanup() {
  if [ -s "$tmp/dnsmasq.pid" ]; then kill "$(cat "$tmp/dnsmasq.pid")" 2>/dev/null || true; fi
  remove_lxcpath "$NET_LP"
  # A dhclient the hook left would keep a namespace of the container.
  pkill -f -- "-pf $NET_LP/" 2>/dev/null || true
  ip link del ntxdhcp0 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

share=$(install_snippets "$tmp/inst") || { fail_check "install the config snippets"; finish; exit; }
hook=$share/hooks/dhclient
expect_eq "the hooks are installed executable" "755 755" \
  "$(stat -c %a "$hook" "$share/hooks/dhclient-script" | paste -sd' ')"
expect_contains "dhclient names the installed dhclient-script" "script=$share/hooks/dhclient-script" "$(cat "$hook")"

ip link add ntxdhcp0 type bridge
ip addr add 10.0.77.1/24 dev ntxdhcp0
ip link set ntxdhcp0 up
# DHCP only (--port=0: no DNS), its lease file in the test's directory.
dnsmasq --conf-file=/dev/null --user=root --group=root --port=0 --interface=ntxdhcp0 --bind-interfaces \
  --dhcp-range=10.0.77.50,10.0.77.99,255.255.255.0,1h --dhcp-option=6,10.0.77.1 \
  --dhcp-option=15,dhcp.lxcpp.test --dhcp-leasefile="$tmp/leases" --pid-file="$tmp/dnsmasq.pid" \
  --log-dhcp --log-facility="$tmp/dnsmasq.log" ||
  { fail_check "dnsmasq does not start"; finish; exit; }

name=ntx-dhcp-$$
ct=$NET_LP/$name
"$BIN/lxc-create" -P "$NET_LP" -n "$name" -t busybox >/dev/null 2>&1 || { fail_check "lxc-create"; finish; exit; }
# The template's rcS runs udhcpc, whose deconfig would flush the address.
sed -i '/udhcpc/d' "$ct/rootfs/etc/init.d/rcS"
rm -f "$ct/rootfs/etc/resolv.conf"
# A second stop hook notes the network namespace it is given, which the
# monitor keeps for the stop hooks (init is gone by then).
cat >"$tmp/record-stop" <<'EOF'
#!/bin/sh
exec >>"${0%/*}/stop-ns"
for a; do case $a in net:*) echo "arg $(readlink "${a#net:}")" ;; esac; done
[ -z "${LXC_NET_NS:-}" ] || echo "env $(readlink "$LXC_NET_NS")"
EOF
chmod 755 "$tmp/record-stop"
cat >>"$ct/config" <<EOF
lxc.net.0.type = veth
lxc.net.0.link = ntxdhcp0
lxc.net.0.flags = up
lxc.hook.start-host = $hook
lxc.hook.stop = $hook
lxc.hook.stop = $tmp/record-stop
EOF

in_container() { "$BIN/lxc-attach" -P "$NET_LP" -n "$name" -- /bin/busybox "$@" 2>/dev/null; }
clients() { pgrep -f -- "-pf $ct/hook/dhclient.pid" || true; }

run_once() {  # run_once VERSION [LABEL]
  local v=$1 l=${2:-v$1} addr pid netns
  sed -i '/^lxc.hook.version/d' "$ct/config"
  echo "lxc.hook.version = $v" >>"$ct/config"
  if ! net_start "$name"; then
    fail_check "$l: lxc-start"
    cat "$tmp/dnsmasq.log" >&2
    return
  fi
  pass "$l: lxc-start with the hook"
  netns=$(readlink "/proc/$(net_pid "$name")/ns/net" || true)
  addr=$(in_container ip -4 addr show dev eth0 | awk '$1 == "inet" {print $2}' || true)
  [[ $addr =~ ^10\.0\.77\.([0-9]+)/24$ ]] && ((BASH_REMATCH[1] >= 50 && BASH_REMATCH[1] <= 99)) &&
    pass "$l: eth0 has $addr from the range" || fail_check "$l: eth0's address: [$addr]"
  expect_eq "$l: default route via the server's router" "default via 10.0.77.1 dev eth0" \
    "$(in_container ip -4 route show default | awk '{print $1, $2, $3, $4, $5}' || true)"
  expect_eq "$l: resolv.conf written in the rootfs" \
    "domain dhcp.lxcpp.test|search dhcp.lxcpp.test|nameserver 10.0.77.1" \
    "$(grep -v '^#' "$ct/rootfs/etc/resolv.conf" 2>/dev/null | paste -sd'|' || true)"
  expect_contains "$l: dnsmasq's lease file lists it" "${addr%/*}" "$(cat "$tmp/leases" 2>/dev/null)"
  pid=$(cat "$ct/hook/dhclient.pid" 2>/dev/null || true)
  expect_eq "$l: the pid file in the hook directory names the running client" "$pid" "$(clients)"
  [ -s "$ct/hook/dhclient.leases" ] && pass "$l: lease file in the hook directory" ||
    fail_check "$l: no $ct/hook/dhclient.leases"

  expect_rc "$l: lxc-stop" 0 "$BIN/lxc-stop" -P "$NET_LP" -n "$name" -t 10
  "$BIN/lxc-wait" -P "$NET_LP" -n "$name" -s STOPPED -t 10 >/dev/null 2>&1 || true
  net_monitor_gone "$name" || true
  expect_eq "$l: stopped" "STOPPED" "$("$BIN/lxc-info" -P "$NET_LP" -n "$name" -s 2>/dev/null | awk '{print $NF}')"
  expect_eq "$l: the stop hooks are given the container's netns" "$([ "$v" = 0 ] && echo arg || echo env) $netns" \
    "$(cat "$tmp/stop-ns" 2>/dev/null || true)"
  rm -f "$tmp/stop-ns"
  expect_eq "$l: no dhclient left" "" "$(clients)"
  expect_contains "$l: the client released the lease" "DHCPRELEASE(ntxdhcp0) ${addr%/*}" \
    "$(cat "$tmp/dnsmasq.log" 2>/dev/null)"
  expect_eq "$l: the lease is gone from dnsmasq's file" "" "$(grep -F " ${addr%/*} " "$tmp/leases" || true)"
  [ -e "$ct/hook/dhclient.pid" ] && fail_check "$l: pid file left" || pass "$l: pid file removed"
  expect_nothing_left "$name" "$NET_LP"
  rm -f "$ct/rootfs/etc/resolv.conf"
}

run_once 0
run_once 1
# A root-made container with its own user namespace: dhclient runs as the
# container's root, in a hook directory that the hook gives to that root.
chmod 755 "$tmp" "$ct"
shift_rootfs "$ct/rootfs" 100000
printf '%s\n' "lxc.idmap = u 0 100000 65536" "lxc.idmap = g 0 100000 65536" >>"$ct/config"
run_once 1 userns
expect_eq "userns: the lease file is the container root's" "100000" "$(stat -c %u "$ct/hook/dhclient.leases" 2>/dev/null || true)"
expect_eq "the veth host ends are gone" "ntxdhcp0" "$(host_links)"
finish
