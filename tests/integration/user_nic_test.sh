#!/usr/bin/env bash
# lxc-user-nic, run setuid root by an unprivileged user: a veth pair between
# a bridge granted in /etc/lxc/lxc-usernet and the network namespace of the
# user's own container process; the quota holds, namespaces the user does
# not own are refused, and /run/lxc/nics forgets interfaces that are gone.
. "$(dirname "$0")/lib.sh"
need_root
command -v useradd >/dev/null && command -v runuser >/dev/null && command -v nsenter >/dev/null ||
  skip "useradd/runuser/nsenter missing"
[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)" != 0 ] || skip "user namespaces are disabled"
br=unbr$$
ip link add "$br" type bridge 2>/dev/null || skip "no bridge support"
ip link add unvt$$ type veth peer name unvu$$ 2>/dev/null || { ip link del "$br"; skip "no veth support"; }
ip link del unvt$$

user=unn$$
dir=$(mktemp -d /tmp/lxcpp-test-un-XXXXXX)
chmod 755 "$dir"
usernet=/etc/lxc/lxc-usernet
db=/run/lxc/nics
for f in "$usernet" "$db"; do [ -e "$f" ] && cp -a "$f" "$dir/$(basename "$f").saved"; done
had_run_lxc=$([ -d /run/lxc ] && echo yes || echo no)
cleanup() {
  pkill -KILL -u "$user" 2>/dev/null || true
  userdel "$user" >/dev/null 2>&1 || true
  ip link del "$br" 2>/dev/null || true
  for f in "$usernet" "$db"; do
    if [ -e "$dir/$(basename "$f").saved" ]; then cp -a "$dir/$(basename "$f").saved" "$f"; else rm -f "$f"; fi
  done
  rmdir /etc/lxc 2>/dev/null || true
  [ "$had_run_lxc" = yes ] || rmdir /run/lxc 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT

useradd -M -N -s /bin/sh "$user"
# The tool as it is installed: setuid root (a copy; the build stays as it is).
cp "$BIN/lxcpp" "$dir/lxcpp"
chmod 4755 "$dir/lxcpp"
ln -s lxcpp "$dir/lxc-user-nic"
NIC="$dir/lxc-user-nic"
mkdir -p /etc/lxc
echo "$user veth $br 2" >"$usernet"

as_user() { (cd / && runuser -u "$user" -- "$@"); }
# A process of the user in its own user and network namespace, as the init
# of an unprivileged container would be.
start_ns() {
  as_user "$BIN/lxc-unshare" -s "USER|NETWORK" -- sleep 300 >/dev/null 2>&1 &
  local pid=""
  for _ in $(seq 1 50); do
    pid=$(pgrep -u "$user" -n -x sleep || true)
    [ -n "$pid" ] && break
    sleep 0.1
  done
  echo "$pid"
}
inside() { nsenter -t "$1" -n ip -o link show "$2" 2>/dev/null | awk -F': ' '{print $2}' | cut -d@ -f1; }

pid=$(start_ns)
[ -n "$pid" ] || { fail_check "no namespace process"; finish; exit 1; }

out=$(as_user "$NIC" create /unused un-c1 "$pid" veth "$br" eth1)
IFS=: read -r nic idx host hidx <<<"$out"
expect_eq "create prints the name inside" "eth1" "$nic"
expect_eq "the interface is in the container's namespace" "eth1" "$(inside "$pid" eth1)"
expect_eq "its ifindex inside" "$idx" "$(nsenter -t "$pid" -n cat /sys/class/net/eth1/ifindex 2>/dev/null ||
  nsenter -t "$pid" -n ip -o link show eth1 | cut -d: -f1)"
expect_contains "the host end is on the bridge" "$host" "$(ip -o link show master "$br")"
expect_eq "the host end's ifindex" "$hidx" "$(cat "/sys/class/net/$host/ifindex")"
expect_eq "the host end is up" "up" "$(ip -o link show "$host" | grep -q 'state UP\|,UP' && echo up || echo down)"
expect_eq "the database records it" "$user veth $br $host" "$(cat "$db")"

out=$(as_user "$NIC" create /unused un-c1 "$pid" veth "$br") || true
expect_eq "no nicname: eth0" "eth0" "${out%%:*}"
rc=0
out=$(as_user "$NIC" create /unused un-c1 "$pid" veth "$br" eth2 2>&1) || rc=$?
expect_eq "beyond the quota: exit 1" 1 "$rc"
expect_contains "beyond the quota: message" "Quota reached" "$out"
expect_eq "nothing made beyond the quota" "" "$(inside "$pid" eth2)"

rc=0
out=$(as_user "$NIC" create /unused un-c1 "$pid" veth lo 2>&1) || rc=$?
expect_eq "a bridge not granted: exit 1" 1 "$rc"
expect_contains "a bridge not granted: message" "Quota reached" "$out"

rc=0
out=$(as_user "$NIC" create /unused un-c1 1 veth "$br" eth3 2>&1) || rc=$?
expect_eq "another user's process: exit 1" 1 "$rc"
expect_contains "another user's process: message" "may not access /proc/1/ns/net" "$out"
# A process of the user, but in the host's network namespace.
as_user sleep 300 >/dev/null 2>&1 &
hostpid=$!
for _ in $(seq 1 50); do own=$(pgrep -u "$user" -P "$hostpid" -x sleep || pgrep -u "$user" -n -x sleep); [ -n "$own" ] && break; sleep 0.1; done
rc=0
out=$(as_user "$NIC" create /unused un-c1 "$own" veth "$br" eth3 2>&1) || rc=$?
expect_eq "the host's network namespace: exit 1" 1 "$rc"
expect_contains "the host's network namespace: message" "not privileged over network namespace" "$out"
expect_rc "a type other than veth" 1 as_user "$NIC" create /unused un-c1 "$pid" macvlan "$br" eth3
expect_rc "delete of a veth: not implemented, as LXC" 1 as_user "$NIC" delete /unused un-c1 "/proc/$pid/ns/net" veth "$br" eth1
expect_rc "no arguments" 1 as_user "$NIC"

# The namespace goes, its veth pairs with it; the next create forgets them.
pkill -KILL -u "$user" -x sleep || true
wait 2>/dev/null || true
for _ in $(seq 1 50); do ip link show "$host" >/dev/null 2>&1 || break; sleep 0.1; done
pid=$(start_ns)
out=$(as_user "$NIC" create /unused un-c1 "$pid" veth "$br" eth1) || true
IFS=: read -r nic idx host2 hidx <<<"$out"
expect_eq "after the old namespace went, the quota is free again" "eth1" "$nic"
expect_eq "and the database holds only the live interface" "$user veth $br $host2" "$(cat "$db")"
pkill -KILL -u "$user" -x sleep || true
wait 2>/dev/null || true
for _ in $(seq 1 50); do ip link show "$host2" >/dev/null 2>&1 || break; sleep 0.1; done
expect_eq "no veth left on the bridge" "" "$(ip -o link show master "$br")"
finish
