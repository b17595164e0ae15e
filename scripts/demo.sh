#!/usr/bin/env bash
# The newcomer's first command: installs dependencies, builds lxcpp and runs
# it. Until the container runtime lands this ends with lxc-checkconfig and
# lxc-config; from then on it creates, starts and enters a busybox container.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/scripts/deps.sh"
bash "$top/scripts/build.sh"
bin=$top/build
echo
"$bin/lxc-checkconfig" --version
"$bin/lxc-checkconfig" || true
echo
echo "lxc-config -l:"
for key in $("$bin/lxc-config" -l); do printf '  %-24s %s\n' "$key" "$("$bin/lxc-config" "$key")"; done
