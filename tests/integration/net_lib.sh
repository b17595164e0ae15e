# Shared by the net_*_test.sh scripts (source it after lib.sh). Every net
# test runs in a network namespace of its own (unshare -n): the containers'
# host side, the test bridges and all traffic live there and vanish with it,
# so nothing can reach or change the host's real network.
#
#   net_enter "$@"          first thing: re-runs the script in a new netns,
#                           makes the lxcpath $NET_LP (removed on exit)
#   net_container NAME [CONFIG LINES...]   busybox container, init = sleep
#   net_pid NAME            its init's pid
#   in_ct NAME CMD...       runs a host command in the container's netns
#   can_ping NAME ADDR      one ping from the container (busybox ping)
#   link_attr NAME IF ATTR  mtu / ether / state of an interface in the container
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"
command -v unshare >/dev/null && command -v nsenter >/dev/null || skip "util-linux unshare/nsenter missing"

net_enter() {
  if [ -z "${NTX_IN_NETNS:-}" ]; then
    NTX_IN_NETNS=1 exec unshare -n -- bash "$0" "$@"
  fi
  ip link set lo up
  NET_LP=$(mktemp -d /tmp/lxcpp-test-net-XXXXXX)
  chmod 755 "$NET_LP"
  trap 'remove_lxcpath "$NET_LP"' EXIT
}

# Static addresses stay as configured only without the template's udhcpc
# (its deconfig flushes eth0): these containers run a plain sleep as init.
net_container() {
  local name=$1
  shift
  "$BIN/lxc-create" -P "$NET_LP" -n "$name" -t busybox >/dev/null 2>&1 || { fail_check "lxc-create $name"; return 1; }
  {
    echo "lxc.init.cmd = /bin/sleep 3600"
    printf '%s\n' "$@"
  } >>"$NET_LP/$name/config"
}

net_start() {  # net_start NAME: start -d, wait RUNNING; prints lxc-start's errors
  local out rc=0
  out=$("$BIN/lxc-start" -P "$NET_LP" -n "$1" -d 2>&1) || rc=$?
  [ "$rc" = 0 ] || { echo "lxc-start $1: $out" >&2; return "$rc"; }
  "$BIN/lxc-wait" -P "$NET_LP" -n "$1" -s RUNNING -t 10 >/dev/null
}

# Stops and waits for the monitor to exit: it removes the veth host ends
# just after reporting STOPPED.
net_stop() {
  "$BIN/lxc-stop" -P "$NET_LP" -n "$1" -k >/dev/null 2>&1
  "$BIN/lxc-wait" -P "$NET_LP" -n "$1" -s STOPPED -t 10 >/dev/null 2>&1
  net_monitor_gone "$1"
}
net_monitor_gone() {
  for _ in $(seq 1 100); do
    pgrep -f -- "-P $NET_LP -n $1( |\$)" >/dev/null || return 0
    sleep 0.05
  done
  return 1
}

net_pid() { "$BIN/lxc-info" -P "$NET_LP" -n "$1" -p -H 2>/dev/null | awk '{print $NF}'; }
in_ct() {
  local pid
  pid=$(net_pid "$1")
  shift
  [ -n "$pid" ] || return 1
  nsenter -t "$pid" -n -- "$@"
}
link_attr() {
  in_ct "$1" ip -o link show dev "$2" 2>/dev/null |
    awk -v a="$3" '{for (i = 1; i < NF; i++) if ($i == (a == "ether" ? "link/ether" : a)) {print $(i + 1); exit}}'
}
can_ping() { in_ct "$1" busybox ping -c 1 -W 2 "$2" >/dev/null 2>&1; }

# The host namespace's interfaces besides lo, one name per line.
host_links() { ip -o link show | awk -F': ' '{sub(/@.*/, "", $2); if ($2 != "lo") print $2}' | sort; }

# need_link_type PARENT TYPE MODULE [ARGS...]: skips the test unless the
# kernel can make a TYPE link on PARENT (loading MODULE if it must).
need_link_type() {
  local parent=$1 type=$2 module=$3
  shift 3
  if ! ip link add link "$parent" name ntxprobe type "$type" "$@" 2>/dev/null && ! { modprobe "$module" 2>/dev/null &&
    ip link add link "$parent" name ntxprobe type "$type" "$@" 2>/dev/null; }; then
    skip "the kernel has no $type driver (ip link add ... type $type failed, modprobe $module too)"
  fi
  ip link del ntxprobe
}
