#!/usr/bin/env bash
# lxc-unshare: each namespace of -s is really new (hostname, interfaces,
# pids), -H/-M/-u/-i/-d do what lxc-unshare(1) says, the command's exit
# status passes through, usage errors give LXC's messages and exit status 1,
# and nothing (process, mount, interface) stays behind.
. "$(dirname "$0")/lib.sh"
need_root
U="$BIN/lxc-unshare"
dir=$(mktemp -d /tmp/lxcpp-test-un-XXXXXX)
veth=unv$$
cleanup() {
  ip link del "${veth}a" 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT
host_name=$(hostname)
proc_before=$(grep ' /proc ' /proc/self/mountinfo)

echo "== UTSNAME"
expect_eq "-H sets the hostname inside" "un-foo" "$("$U" -s UTSNAME -H un-foo -- hostname)"
expect_eq "the host's hostname is unchanged" "$host_name" "$(hostname)"
expect_eq "long options" "un-bar" "$("$U" --namespaces=UTSNAME --hostname=un-bar -- hostname)"

echo "== NETWORK"
ifaces=$("$U" -s NETWORK -- sh -c "awk -F: 'NR > 2 { gsub(/ /, \"\", \$1); print \$1 }' /proc/net/dev")
expect_eq "a new network namespace has only lo" "lo" "$ifaces"

echo "== PID and MOUNT"
out=$("$U" -s "PID|MOUNT" -M -- sh -c 'echo $$; sleep 0.01 & ls -d /proc/[0-9]* | wc -l; wait')
expect_eq "the command is pid 1" "1" "$(head -1 <<<"$out")"
n=$(tail -1 <<<"$out")
if [ "$n" -ge 2 ] && [ "$n" -le 4 ]; then pass "the new /proc shows only the namespace's processes ($n)"; else
  fail_check "the new /proc shows $n processes"; fi
expect_eq "the host's /proc is untouched" "$proc_before" "$(grep ' /proc ' /proc/self/mountinfo)"
expect_eq "short flag names and repeated -s" "1" "$("$U" -s pid -s mnt -M -- sh -c 'echo $$')"
# /dev/shm comes fresh and empty with -M.
touch /dev/shm/un-marker-$$
expect_eq "-M mounts a new /dev/shm" "0" "$("$U" -s "MOUNT|IPC" -M -- sh -c 'ls /dev/shm | wc -l')"
rm -f /dev/shm/un-marker-$$

echo "== USER and -u"
expect_eq "-u switches to the user" "65534 65534" "$("$U" -s UTSNAME -u nobody -- sh -c 'echo $(id -u) $(id -g)')"
expect_eq "-u takes a uid" "65534" "$("$U" -s UTSNAME -u 65534 -- id -u)"
expect_eq "-u with USER maps that uid to the caller" "65534 0 1" \
  "$("$U" -s USER -u nobody -- cat /proc/self/uid_map | xargs)"
if runuser -u nobody -- true 2>/dev/null; then
  expect_eq "an unprivileged user gets a hostname in USER|UTSNAME" "un-unpriv" \
    "$(cd / && runuser -u nobody -- "$U" -s "USER|UTSNAME" -H un-unpriv -- hostname)"
fi

echo "== exit status"
expect_rc "the command's exit status passes through" 7 "$U" -s UTSNAME -- sh -c 'exit 7'
expect_rc "a command killed by SIGKILL gives 137" 137 "$U" -s UTSNAME -- sh -c 'kill -9 $$'
rc=0
out=$("$U" -s UTSNAME -- /nonexistent/cmd 2>&1) || rc=$?
expect_eq "a command that cannot run: exit 1" 1 "$rc"
expect_contains "and why" "Failed to exec: '/nonexistent/cmd'" "$out"

echo "== usage errors"
check_usage() {  # DESCRIPTION MESSAGE ARGS...
  local desc=$1 msg=$2 rc=0 out
  shift 2
  out=$("$U" "$@" 2>&1) || rc=$?
  expect_eq "$desc: exit 1" 1 "$rc"
  expect_contains "$desc: message" "$msg" "$out"
}
check_usage "a bad namespace name" 'Invalid namespace name "FOO"' -s "UTSNAME|FOO" -- true
check_usage "no command" "A command to execute in the new namespace is required" -s UTSNAME
check_usage "no namespace" "A namespace to execute command is required" -- true
check_usage "-H without UTSNAME" "-H <hostname> needs -s UTSNAME option" -s IPC -H x -- true
check_usage "-M without MOUNT" "-M needs -s MOUNT option" -s PID -M -- true
check_usage "-i without NETWORK" "-i <interfacename> needs -s NETWORK option" -s IPC -i lo -- true
check_usage "an unknown user" 'Invalid username "un-nosuchuser"' -s IPC -u un-nosuchuser -- true
expect_rc "--help" 0 "$U" --help

echo "== -i"
if ip link add "${veth}a" type veth peer name "${veth}b" 2>/dev/null; then
  ifaces=$("$U" -s NETWORK -i "${veth}a" -- sh -c "awk -F: 'NR > 2 { gsub(/ /, \"\", \$1); print \$1 }' /proc/net/dev | sort | xargs")
  expect_eq "-i moves the interface in" "lo ${veth}a" "$ifaces"
  # The namespace died with the command, and the veth pair with it.
  for _ in $(seq 1 50); do ip link show "${veth}b" >/dev/null 2>&1 || break; sleep 0.1; done
  expect_eq "the host side went with the namespace" "gone" "$(ip link show "${veth}b" >/dev/null 2>&1 && echo left || echo gone)"
  rc=0
  out=$("$U" -s NETWORK -i un-nosuchif -- true 2>&1) || rc=$?
  expect_eq "a missing interface is reported, the command still runs" 0 "$rc"
  expect_contains "and why" 'Could not move interface "un-nosuchif"' "$out"
else
  echo "no veth support: -i not tested"
fi

echo "== -d"
rc=0
start=$(date +%s%N)
"$U" -d -s UTSNAME -H un-daemon -- sh -c "sleep 0.5; hostname > '$dir/daemon'" || rc=$?
elapsed=$((($(date +%s%N) - start) / 1000000))
expect_eq "-d returns 0" 0 "$rc"
if [ "$elapsed" -lt 450 ]; then pass "-d does not wait ($elapsed ms)"; else fail_check "-d waited $elapsed ms"; fi
for _ in $(seq 1 50); do [ -s "$dir/daemon" ] && break; sleep 0.1; done
expect_eq "the daemonized command ran in its namespace" "un-daemon" "$(cat "$dir/daemon" 2>/dev/null)"

expect_eq "no lxc-unshare left" "" "$(pgrep -f "lxc-unshare.*un-" || true)"
expect_eq "no mount left" "$proc_before" "$(grep ' /proc ' /proc/self/mountinfo)"
finish
