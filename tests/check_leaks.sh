#!/usr/bin/env bash
# Fails when the suite left kernel objects behind: mounts, cgroups, host
# interfaces or processes of test containers.
set -u
leaks=""
m=$(grep -E 'lxcpp-test|/lxcpp' /proc/self/mountinfo | awk '{print $5}')
[ -n "$m" ] && leaks+=$'mounts:\n'"$m"$'\n'
c=$(find /sys/fs/cgroup -maxdepth 3 -type d \( -name '*lxcpp-test*' -o -name 'lxc.payload.lxcpp*' -o -name 'lxc.monitor.lxcpp*' \) 2>/dev/null)
[ -n "$c" ] && leaks+=$'cgroups:\n'"$c"$'\n'
# Container host ends (vethXXXXXX, LXC's naming; the net tests name theirs ntx*).
v=$(ip -o link show 2>/dev/null | awk -F': ' '{sub(/@.*/, "", $2)} $2 ~ /^(vlxcpp|lxcpp|ntx|veth[A-Za-z0-9]{6}$)/ {print $2}')
[ -n "$v" ] && leaks+=$'host interfaces:\n'"$v"$'\n'
p=$(ps -eo pid,args | grep -E '[l]xcpp-test' || true)
[ -n "$p" ] && leaks+=$'processes:\n'"$p"$'\n'
if [ -n "$leaks" ]; then
  printf 'leak check: FAILED, the suite left these behind:\n%s' "$leaks"
  exit 1
fi
echo "leak check: nothing left behind (mounts, cgroups, interfaces, processes)"
