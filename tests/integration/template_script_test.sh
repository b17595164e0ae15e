#!/usr/bin/env bash
# Script templates from Debian's packages (apt-get download, unpacked into a
# temporary dir, never installed): lxc-sshd of lxc-templates (the one there
# that needs no network; creation only, starting needs the host's sshd and
# LXC's init.lxc) and lxc-busybox, which Debian 12 ships in liblxc-common
# (only that script is unpacked), run by path and by name from lxcpp's
# template directory, and the busybox container starts;
# scripts run in a mount namespace of their own, so a script that mounts
# and then fails halfway leaves neither a container nor a mount.
. "$(dirname "$0")/lib.sh"
need_root
grep -q 'not a dynamic executable' <<<"$(ldd /bin/busybox 2>&1 || true)" || skip "needs a static /bin/busybox"

tmp=$(mktemp -d /tmp/lxcpp-test-tpscript.XXXXXX)
P=$tmp/lxc
trap 'remove_lxcpath "$P"; rm -rf "$tmp"' EXIT
create() { "$BIN/lxc-create" -P "$P" "$@"; }

( cd "$tmp" && apt-get download lxc-templates liblxc-common >/dev/null 2>&1 ) || skip "apt-get download lxc-templates liblxc-common failed"
dpkg -x "$tmp"/lxc-templates_*.deb "$tmp/x"
dpkg-deb --fsys-tarfile "$tmp"/liblxc-common_*.deb | tar -C "$tmp/x" -x ./usr/share/lxc/templates/lxc-busybox
rm "$tmp"/*.deb
script=$tmp/x/usr/share/lxc/templates/lxc-busybox
[ -x "$script" ] || skip "no lxc-busybox in liblxc-common"

# --- lxc-sshd from lxc-templates --------------------------------------------------
if command -v ssh-keygen >/dev/null; then
  sshd_script=$tmp/x/usr/share/lxc/templates/lxc-sshd
  out=$(create -n tp-sh-sshd -t "$sshd_script" 2>&1) && rc=0 || rc=$?
  expect_eq "lxc-sshd from lxc-templates (exit status)" 0 "$rc"
  [ "$rc" = 0 ] || echo "$out"
  cfg=$P/tp-sh-sshd/config
  expect_eq "lxc-sshd: header" "# Template used to create this container: $sshd_script" "$(sed -n 1p "$cfg")"
  expect_contains "lxc-sshd: its config lines" "lxc.uts.name = tp-sh-sshd" "$(cat "$cfg")"
  expect_contains "lxc-sshd: our rootfs line kept" "lxc.rootfs.path = dir:$P/tp-sh-sshd/rootfs" "$(cat "$cfg")"
  [ -s "$P/tp-sh-sshd/rootfs/etc/ssh/ssh_host_rsa_key" ] && pass "lxc-sshd: host key made" || fail_check "lxc-sshd: no host key"
  expect_rc "lxc-sshd config loads" 0 "$BIN/lxc-info" -P "$P" -n tp-sh-sshd -c lxc.uts.name
else
  echo "# ssh-keygen missing: lxc-sshd not tried"
fi

# --- LXC's lxc-busybox by path --------------------------------------------------
out=$(create -n tp-sh-bb -t "$script" 2>&1) && rc=0 || rc=$?
expect_eq "lxc-busybox from liblxc-common (exit status)" 0 "$rc"
[ "$rc" = 0 ] || echo "$out"
cfg=$P/tp-sh-bb/config
expect_eq "header names the script" "# Template used to create this container: $script" "$(sed -n 1p "$cfg")"
expect_contains "the script's config lines" "lxc.uts.name = \"tp-sh-bb\"" "$(cat "$cfg")"
expect_eq "rootfs.path once" 1 "$(grep -c '^lxc.rootfs.path' "$cfg")"
"$BIN/lxc-start" -P "$P" -n tp-sh-bb -d >/dev/null 2>&1
expect_eq "it runs" "State:          RUNNING" "$("$BIN/lxc-info" -P "$P" -n tp-sh-bb -s 2>&1)"
expect_eq "attach works" tp-sh-bb "$("$BIN/lxc-attach" -P "$P" -n tp-sh-bb -- hostname 2>&1)"
"$BIN/lxc-stop" -P "$P" -n tp-sh-bb -k >/dev/null 2>&1
expect_nothing_left tp-sh-bb "$P"

# --- by name, from lxcpp's template directory ----------------------------------
mkdir -p "$tmp/tpl"
cp "$script" "$tmp/tpl/lxc-tpdeb"
LXCPP_TEMPLATE_DIR=$tmp/tpl create -n tp-sh-name -t tpdeb -- --busybox-path /bin/busybox >/dev/null 2>&1 && rc=0 || rc=$?
expect_eq "-t NAME finds lxc-NAME in lxcpp's directory" 0 "$rc"
expect_eq "header names the found script" "# Template used to create this container: $tmp/tpl/lxc-tpdeb" "$(sed -n 1p "$P/tp-sh-name/config")"
expect_eq "header parameters" "# Parameters passed to the template: --busybox-path /bin/busybox" "$(sed -n 2p "$P/tp-sh-name/config")"
out=$(LXCPP_TEMPLATE_DIR=$tmp/tpl create -n tp-sh-none -t tpnosuch 2>&1) || true
expect_contains "unknown name" 'Template "tpnosuch" not found' "$out"
out=$(LXCPP_TEMPLATE_DIR=$tmp/tpl "$BIN/lxc-create" -t tpdeb -h 2>&1) || true
expect_contains "-t NAME -h shows the script's help" "busybox-path" "$out"

# --- a script that mounts, then fails halfway --------------------------------------
cat >"$tmp/mount-and-fail" <<'SH'
#!/bin/sh
for a in "$@"; do case "$a" in --rootfs=*) r=${a#--rootfs=};; esac; done
mkdir -p "$r/proc" "$r/half"
mount -t tmpfs tpscript-tmpfs "$r/half" || exit 9
echo junk >"$r/half/file"
grep -q tpscript-tmpfs /proc/self/mountinfo || exit 8
case " $* " in *" ok "*) exit 0;; esac
exit 3
SH
chmod +x "$tmp/mount-and-fail"
out=$(create -n tp-sh-fail -t "$tmp/mount-and-fail" 2>&1) && rc=0 || rc=$?
expect_eq "failing script (exit status)" 1 "$rc"
expect_contains "failing script: says so" "exit status 3" "$out"
[ ! -e "$P/tp-sh-fail" ] && pass "failing script: no container left" || fail_check "failing script left $P/tp-sh-fail"
expect_eq "failing script: no mount left" "" "$(grep tpscript-tmpfs /proc/self/mountinfo || true)"
expect_rc "mounting script that succeeds" 0 create -n tp-sh-ok -t "$tmp/mount-and-fail" -- ok
expect_eq "its mount stayed in its namespace" "" "$(grep tpscript-tmpfs /proc/self/mountinfo || true)"
finish
