#!/usr/bin/env bash
# The newcomer's first command (as root): installs dependencies, builds
# lxcpp, then creates a busybox container, starts it, runs commands in it,
# stops and destroys it, with the tools from ./build.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/scripts/deps.sh"
bash "$top/scripts/build.sh"
bin=${BUILD_DIR:-$top/build}
name=${DEMO_NAME:-lxcpp-demo}
lxcpath=${DEMO_LXCPATH:-/var/lib/lxc}

run() { printf '\n$ %s\n' "$*"; "$@"; }

run "$bin/lxc-checkconfig" >/dev/null
"$bin/lxc-ls" -P "$lxcpath" -1 | grep -qx "$name" && run "$bin/lxc-destroy" -P "$lxcpath" -n "$name" -f
# The demo runs from the build tree, where no lxc-net has made lxcbr0 (the
# bridge of /etc/lxc/default.conf): its container gets an empty network
# namespace of its own.
netconf=$(mktemp)
trap 'rm -f "$netconf"' EXIT
echo "lxc.net.0.type = empty" > "$netconf"
run "$bin/lxc-create" -P "$lxcpath" -n "$name" -t busybox -f "$netconf"
run "$bin/lxc-start" -P "$lxcpath" -n "$name"
run "$bin/lxc-wait" -P "$lxcpath" -n "$name" -s RUNNING -t 10
run "$bin/lxc-info" -P "$lxcpath" -n "$name"
run "$bin/lxc-attach" -P "$lxcpath" -n "$name" -- sh -c 'echo "hello from $(hostname)"; ps; mount | head -n 5'
run "$bin/lxc-ls" -P "$lxcpath" -f
run "$bin/lxc-stop" -P "$lxcpath" -n "$name"
run "$bin/lxc-destroy" -P "$lxcpath" -n "$name"
echo
echo "demo done: lxcpp created, started, entered, stopped and destroyed a busybox container"
