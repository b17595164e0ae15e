#!/usr/bin/env bash
# cgroup2-only hosts: this machine is hybrid (v1 controllers), so the cgroup2
# limits are checked in a VM booted with cgroup_no_v1=all (tests/vm).
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"
rc=0
bash "$(dirname "$0")/../vm/make_vm.sh" "$(dirname "$0")/../vm/cgroup2_checks.sh" cgroup_no_v1=all || rc=$?
exit "$rc"
