#!/usr/bin/env bash
# lxc-ls --nesting: the containers defined inside a running container (in
# its own lxcpath, /var/lib/lxc by default, or what its /etc/lxc/lxc.conf
# says) are listed as PARENT/NAME after their parent, in every output form;
# --nesting=0 and a stopped parent show none; a bad level is refused.
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"

lp=$(mktemp -d /tmp/lxcpp-test-ln-XXXXXX)
outer=lxcpp-test-lno-$$
other=lxcpp-test-lnx-$$
trap 'remove_lxcpath "$lp"' EXIT
P=(-P "$lp")

expect_rc "lxc-create outer" 0 "$BIN/lxc-create" "${P[@]}" -n "$outer" -t busybox
expect_rc "lxc-create other" 0 "$BIN/lxc-create" "${P[@]}" -n "$other" -t busybox
echo "lxc.net.0.type = empty" >>"$lp/$outer/config"
inside=$lp/$outer/rootfs/var/lib/lxc/inner
mkdir -p "$inside"
printf 'lxc.uts.name = inner\nlxc.rootfs.path = dir:/var/lib/lxc/inner/rootfs\nlxc.start.auto = 1\n' >"$inside/config"
# A second lxcpath inside, named by the container's own lxc.conf.
mkdir -p "$lp/$outer/rootfs/etc/lxc" "$lp/$outer/rootfs/srv/lxc/deep"
echo "lxc.rootfs.path = dir:/srv/lxc/deep/rootfs" >"$lp/$outer/rootfs/srv/lxc/deep/config"

expect_eq "a stopped parent: nothing nested" "$outer $other" "$("$BIN/lxc-ls" "${P[@]}" --nesting -1 | tr '\n' ' ' | sed 's/ $//')"
expect_rc "lxc-start outer" 0 "$BIN/lxc-start" "${P[@]}" -n "$outer" -d
expect_rc "lxc-wait RUNNING" 0 "$BIN/lxc-wait" "${P[@]}" -n "$outer" -s RUNNING -t 10
expect_eq "without --nesting: the two" "$outer
$other" "$("$BIN/lxc-ls" "${P[@]}" -1)"
expect_eq "--nesting -1: the inner one right after its parent" "$outer
$outer/inner
$other" "$("$BIN/lxc-ls" "${P[@]}" --nesting -1)"
expect_eq "--nesting -f: its row" "$outer/inner STOPPED 1 false" \
  "$("$BIN/lxc-ls" "${P[@]}" --nesting -f -F NAME,STATE,AUTOSTART,UNPRIVILEGED | awk -v n="$outer/inner" '$1 == n {print $1, $2, $3, $4}')"
expect_contains "--nesting (columns)" "$outer/inner" "$("$BIN/lxc-ls" "${P[@]}" --nesting)"
expect_eq "--nesting=0: none" "$outer
$other" "$("$BIN/lxc-ls" "${P[@]}" --nesting=0 -1)"
expect_eq "--nesting with a filter: it applies inside too" "$outer
$outer/inner" "$("$BIN/lxc-ls" "${P[@]}" --nesting -1 '^(lxcpp-test-lno|inner)')"
echo "lxc.lxcpath = /srv/lxc" >"$lp/$outer/rootfs/etc/lxc/lxc.conf"
expect_eq "the container's lxc.conf names its lxcpath" "$outer/deep" \
  "$("$BIN/lxc-ls" "${P[@]}" --nesting -1 | grep "^$outer/")"
rc=0
out=$("$BIN/lxc-ls" "${P[@]}" --nesting=x 2>&1) || rc=$?
expect_eq "a bad level: exit status" 1 "$rc"
expect_contains "... named" 'invalid --nesting level "x"' "$out"
expect_rc "lxc-stop -k" 0 "$BIN/lxc-stop" "${P[@]}" -n "$outer" -k
expect_nothing_left "$outer" "$lp"
finish
