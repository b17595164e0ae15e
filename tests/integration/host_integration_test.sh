#!/bin/bash
# Host integration: an install into an empty DESTDIR (every lxc-* command,
# the systemd units lxc.service, lxc@.service and lxc-net.service, the
# lxc-containers helper, /etc/default/lxc, the OpenRC script); the helper run
# the way lxc.service runs it at boot and halt; the OpenRC script's start and
# stop of lxc.NAME (sourced with stand-ins for OpenRC's e* functions: OpenRC
# itself does not run on this host).
source "$(dirname "$0")/lib.sh"
need_root

T=$(mktemp -d /tmp/lxcpp-host-XXXXXX)
P=$T/lxc
D=$T/root
mkdir -p "$P"
trap 'remove_lxcpath "$P"; rm -rf "$T"' EXIT
state() { "$BIN/lxc-info" -P "$P" -n "$1" -s | awk '{print $NF}'; }

# ---- install into an empty DESTDIR
PREFIX=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BIN/CMakeCache.txt")
rc=0
out=$(DESTDIR=$D cmake --install "$BIN" 2>&1) || rc=$?
expect_eq "cmake --install into an empty DESTDIR" 0 "$rc"
expect_eq "no error on the way" "" "$(grep -i error <<<"$out" || true)"
missing=
for t in lxc-attach lxc-autostart lxc-cgroup lxc-checkconfig lxc-config lxc-console lxc-copy lxc-create \
  lxc-destroy lxc-device lxc-execute lxc-freeze lxc-info lxc-ls lxc-monitor lxc-snapshot lxc-start \
  lxc-stop lxc-unfreeze lxc-unshare lxc-update-config lxc-wait; do
  "$D$PREFIX/bin/$t" --version 2>/dev/null | grep -q '^lxcpp ' || missing+=" $t"
done
# lxc-usernsexec takes no --version, as LXC's
[ "$(readlink "$D$PREFIX/bin/lxc-usernsexec")" = lxcpp ] || missing+=" lxc-usernsexec"
expect_eq "every lxc-* command installed and runnable" "" "$missing"
for t in lxc-unpriv-start lxc-unpriv-attach; do
  expect_contains "$t installed, naming the installed commands" "bindir=\${LXC_BINDIR:-$PREFIX/bin}" \
    "$([ -x "$D$PREFIX/bin/$t" ] && cat "$D$PREFIX/bin/$t")"
done
U=$D$PREFIX/lib/systemd/system
for u in lxc.service lxc@.service lxc-net.service; do
  if [ -f "$U/$u" ]; then pass "$u installed"; else fail_check "$u missing in $U"; fi
done
expect_eq "lxc@.service runs the container in the foreground" "ExecStart=$PREFIX/bin/lxc-start -F -n %i" \
  "$(grep '^ExecStart=' "$U/lxc@.service")"
expect_eq "lxc.service runs lxc-containers" "ExecStart=$PREFIX/libexec/lxc/lxc-containers start" \
  "$(grep '^ExecStart=' "$U/lxc.service")"
expect_eq "... and it is executable" "yes" "$([ -x "$D$PREFIX/libexec/lxc/lxc-containers" ] && echo yes)"
if command -v systemd-analyze >/dev/null; then
  # The fake root has no sysinit.target, and lxcpp ships no man pages yet:
  # anything else systemd says about the units is a defect.
  complaints=$(systemd-analyze verify --root="$D" "$PREFIX/lib/systemd/system/lxc.service" \
    "$PREFIX/lib/systemd/system/lxc@demo.service" "$PREFIX/lib/systemd/system/lxc-net.service" 2>&1 |
    grep -v -e 'sysinit.target not found' -e "Command 'man " || true)
  expect_eq "systemd-analyze verify finds nothing wrong with the units" "" "$complaints"
fi
expect_contains "/etc/default/lxc installed" 'BOOTGROUPS="onboot,"' "$(cat "$D/etc/default/lxc")"
echo 'SHUTDOWNDELAY=9' >>"$D/etc/default/lxc"
DESTDIR=$D cmake --install "$BIN" >/dev/null 2>&1
expect_contains "a second install keeps the administrator's /etc/default/lxc" "SHUTDOWNDELAY=9" "$(cat "$D/etc/default/lxc")"
if command -v help2man >/dev/null; then
  M=$D$PREFIX/share/man/man1
  # Every lxc-* command but lxc-checkconfig (which runs its checks whatever
  # the arguments), lxc-usernsexec (no --version, as LXC's) and lxc-user-nic.
  expect_eq "a man page per command (and the two wrappers)" 24 "$(ls "$M" 2>/dev/null | grep -c '^lxc-.*\.1$')"
  expect_eq "the configuration files' pages (man5)" "lxc-usernet.5 lxc.conf.5 lxc.container.conf.5 lxc.system.conf.5" \
    "$(ls "$D$PREFIX/share/man/man5" 2>/dev/null | LC_ALL=C sort | tr '\n' ' ' | sed 's/ $//')"
  page=$(MANWIDTH=100 man -l "$M/lxc-stop.1" 2>/dev/null | col -b)
  expect_contains "man lxc-stop: its name line" "lxc-stop - stop a container" "$page"
  expect_contains "man lxc-stop: its options" "--nokill" "$page"
fi
C=$D$PREFIX/share/bash-completion/completions
expect_eq "bash completion found under each command's name" "lxc" "$(readlink "$C/lxc-start")"
expect_eq "... and the script itself is there" "yes" "$([ -f "$C/lxc" ] && echo yes)"
OPENRC=$D$PREFIX/share/lxcpp/openrc/lxc
expect_eq "OpenRC script installed under share" "yes" "$([ -x "$OPENRC" ] && echo yes)"

# ---- containers for the boot and halt runs
"$BIN/lxc-create" -P "$P" -n on1 -t busybox >/dev/null 2>&1 || { echo "FAIL lxc-create"; exit 1; }
for n in n1 x1 m1 bad; do "$BIN/lxc-copy" -P "$P" -n on1 -N "$n" >/dev/null; done
for n in on1 n1 x1 m1 bad; do echo "lxc.net.0.type = empty" >>"$P/$n/config"; done
for n in on1 n1 x1 bad; do echo "lxc.start.auto = 1" >>"$P/$n/config"; done
echo "lxc.group = onboot" >>"$P/on1/config"
echo "lxc.group = other" >>"$P/x1/config"
printf 'lxc.group = onboot\nlxc.rootfs.path = dir:/nonexistent\n' >>"$P/bad/config"

# ---- lxc-containers as lxc.service runs it
cat >"$T/defaults" <<EOD
LXC_AUTO="true"
BOOTGROUPS="onboot,"
SHUTDOWNDELAY=2
OPTIONS="-P $P"
STOPOPTS="-P $P -a -A -s"
USE_LXC_BRIDGE="false"
EOD
H=$D$PREFIX/libexec/lxc/lxc-containers
run_helper() { LXC_DEFAULTS=$T/defaults LXC_BINDIR=$BIN "$H" "$@"; }
rc=0
out=$(run_helper start 2>&1) || rc=$?
expect_eq "lxc-containers start exits 0 although one container cannot start" 0 "$rc"
expect_contains "... and says so" "not every container started" "$out"
expect_eq "boot: the onboot group and the NULL group run, the others not" "RUNNING RUNNING STOPPED STOPPED" \
  "$(state on1) $(state n1) $(state x1) $(state m1)"
"$BIN/lxc-start" -P "$P" -n m1 -d
expect_rc "lxc-containers stop" 0 run_helper stop
expect_eq "halt: every running container shut down (m1 too, -A)" "STOPPED STOPPED STOPPED" \
  "$(state on1) $(state n1) $(state m1)"
sed -i 's/LXC_AUTO="true"/LXC_AUTO="false"/' "$T/defaults"
run_helper start >/dev/null 2>&1
expect_eq "LXC_AUTO=false: nothing started" "STOPPED STOPPED" "$(state on1) $(state n1)"
expect_rc "an unknown verb" 2 run_helper frobnicate

# ---- the OpenRC script, lxc.NAME and lxc
openrc() {  # openrc SVCNAME start|stop
  RC_SVCNAME=$1 LXC_PATH=$P LXC_BINDIR=$BIN bash -c '
    ebegin() { echo " * $*"; }
    eend() { [ "$1" = 0 ] || echo " * ERROR: ${2:-failed}"; return "$1"; }
    eerror() { echo " * ERROR: $*"; }
    einfo() { echo " * $*"; }
    . "$0"
    "$1"' "$OPENRC" "$2"
}
expect_rc "rc-service lxc.n1 start" 0 openrc lxc.n1 start
expect_eq "n1 running" RUNNING "$(state n1)"
expect_rc "rc-service lxc.n1 stop" 0 openrc lxc.n1 stop
expect_eq "n1 stopped" STOPPED "$(state n1)"
expect_rc "stop of a stopped container is not an error" 0 openrc lxc.n1 stop
rc=0
out=$(openrc lxc.nosuch start 2>&1) || rc=$?
expect_eq "lxc.nosuch start fails" 1 "$rc"
expect_contains "... naming the missing config" "$P/nosuch/config" "$out"
expect_rc "rc-service lxc start (the lxc.start.auto ones)" 0 openrc lxc start
expect_eq "the script as lxc starts onboot and the NULL group" "RUNNING RUNNING STOPPED" \
  "$(state on1) $(state n1) $(state x1)"
expect_rc "rc-service lxc stop" 0 openrc lxc stop
expect_eq "... and shuts them down" "STOPPED STOPPED" "$(state on1) $(state n1)"

expect_nothing_left on1 "$P"
finish
