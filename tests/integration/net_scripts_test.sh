#!/usr/bin/env bash
# lxc.net.N.script.up / script.down: with lxc.hook.version 0 they get
# "NAME net up|down TYPE LINK [HOST-END]" as arguments, with version 1
# LXC_HOOK_TYPE, LXC_HOOK_SECTION=net, LXC_NET_TYPE, LXC_NET_PARENT and
# LXC_NET_PEER; both get LXC_NAME, LXC_CONFIG_FILE and LXC_ROOTFS_MOUNT. The
# up script runs once the host side exists, the down script before it goes;
# a failing up script fails the start and leaves no interface behind.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/net_lib.sh"
net_enter "$@"
ip link add ntxbr0 type bridge
ip link set ntxbr0 up
before=$(host_links)
rec=$NET_LP/record
cat >"$NET_LP/net.sh" <<EOF
#!/bin/sh
# the host end exists while the script runs
present=no
ip -o link show dev "\${LXC_NET_PEER:-\$6}" >/dev/null 2>&1 && present=yes
echo "args=\$* type=\${LXC_HOOK_TYPE:-} section=\${LXC_HOOK_SECTION:-} net_type=\${LXC_NET_TYPE:-} parent=\${LXC_NET_PARENT:-} peer=\${LXC_NET_PEER:-} name=\$LXC_NAME config=\$LXC_CONFIG_FILE rootfs=\$LXC_ROOTFS_MOUNT present=\$present" >>"$rec"
EOF
chmod +x "$NET_LP/net.sh"

c0=nt-scr0-$$ c1=nt-scr1-$$
net_container "$c0" "lxc.net.0.type = veth" "lxc.net.0.link = ntxbr0" "lxc.net.0.veth.pair = ntxscr0" \
  "lxc.net.0.script.up = $NET_LP/net.sh" "lxc.net.0.script.down = $NET_LP/net.sh"
net_start "$c0" && pass "start with scripts (version 0)" || fail_check "start with scripts (version 0)"
net_stop "$c0"
expect_eq "version 0: up, then down" 2 "$(wc -l <"$rec")"
up=$(sed -n 1p "$rec") down=$(sed -n 2p "$rec")
expect_contains "version 0 up: arguments" "args=$c0 net up veth ntxbr0 ntxscr0 " "$up"
expect_contains "version 0 down: arguments" "args=$c0 net down veth ntxbr0 ntxscr0 " "$down"
expect_contains "version 0: no LXC_HOOK_TYPE" "type= section= net_type= parent= peer= " "$up"
expect_contains "LXC_NAME, LXC_CONFIG_FILE, LXC_ROOTFS_MOUNT" \
  "name=$c0 config=$NET_LP/$c0/config rootfs=$NET_LP/$c0/rootfs" "$up"
expect_contains "up: the host end exists" "present=yes" "$up"
expect_contains "down: the host end still exists" "present=yes" "$down"

: >"$rec"
net_container "$c1" "lxc.hook.version = 1" "lxc.net.0.type = veth" "lxc.net.0.link = ntxbr0" \
  "lxc.net.0.veth.pair = ntxscr1" "lxc.net.0.script.up = $NET_LP/net.sh" "lxc.net.0.script.down = $NET_LP/net.sh"
net_start "$c1" && pass "start with scripts (version 1)" || fail_check "start with scripts (version 1)"
net_stop "$c1"
up=$(sed -n 1p "$rec") down=$(sed -n 2p "$rec")
expect_contains "version 1 up: environment" "args= type=up section=net net_type=veth parent=ntxbr0 peer=ntxscr1 " "$up"
expect_contains "version 1 down: environment" "args= type=down section=net net_type=veth parent=ntxbr0 peer=ntxscr1 " "$down"

# A failing up script: the start fails naming the key, nothing stays.
cf=nt-scrf-$$
printf '#!/bin/sh\nexit 3\n' >"$NET_LP/fail.sh"
chmod +x "$NET_LP/fail.sh"
net_container "$cf" "lxc.net.0.type = veth" "lxc.net.0.link = ntxbr0" "lxc.net.0.script.up = $NET_LP/fail.sh"
rc=0; err=$("$BIN/lxc-start" -P "$NET_LP" -n "$cf" -d 2>&1) || rc=$?
expect_eq "a failing script.up fails the start" 1 "$rc"
expect_contains "the error names the key" "lxc.net.0.script.up" "$err"
expect_eq "nothing left after the failed start" "$before" "$(host_links)"
finish
