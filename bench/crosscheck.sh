#!/bin/bash
# Opt-in check, by hand (never part of the test suite, which must not reach
# the reference binaries): a container made by the reference LXC 5.0 starts
# under lxcpp, and one made by lxcpp starts under LXC.
#
#   sudo bash bench/crosscheck.sh        (LXCPP_BIN: build dir, default ./build)
#
# The reference comes from apt-get download + dpkg -x, shown at its paths in
# a private mount namespace (bench/lib/ref_overlays.sh); nothing is installed.
set -u
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
die() { echo "crosscheck: $*" >&2; exit 1; }
[ "$(id -u)" = 0 ] || die "must run as root"

. "$HERE/lib/ref_overlays.sh"
if [ -z "${CROSS_INNER:-}" ]; then
  PBIN=$(cd "${LXCPP_BIN:-$HERE/../build}" && pwd) || die "no lxcpp build"
  WORK=$(mktemp -d /tmp/lxcpp-cross-XXXX)
  PIVOT_EXISTED=0
  lxc_pivot_existed && PIVOT_EXISTED=1
  trap '[ "$PIVOT_EXISTED" = 1 ] || remove_lxc_pivot; rm -rf --one-file-system "$WORK"' EXIT
  mkdir -p "$WORK/debs" "$WORK/ref" && chmod 777 "$WORK/debs"
  (cd "$WORK/debs" && apt-get download -q lxc liblxc1 liblxc-common lxc-templates >/dev/null 2>&1) ||
    die "apt-get download failed"
  for deb in "$WORK"/debs/*.deb; do dpkg -x "$deb" "$WORK/ref"; done
  CROSS_INNER=1 PBIN=$PBIN WORK=$WORK REF=$WORK/ref ID=$$ unshare -m --propagation private bash "$0"
  exit $?
fi

ref_overlays
"$PBIN/lxc-start" --version | grep -q lxcpp || die "$PBIN/lxc-start is not lxcpp"
LP=$WORK/lxc
mkdir -p "$LP"
fails=0
check() { # check DESCRIPTION EXPECTED ACTUAL
  if [ "$2" == "$3" ]; then echo "ok   $1"; else echo "FAIL $1: expected [$2], got [$3]"; fails=$((fails + 1)); fi
}
run_in() { # run_in STARTER_BIN ATTACH_BIN NAME: start, check, stop
  local sb=$1 ab=$2 n=$3
  "$sb/lxc-start" -P "$LP" -n "$n" -l INFO -o "$WORK/$n.log" || { echo "start failed:"; tail -5 "$WORK/$n.log"; }
  "$sb/lxc-wait" -P "$LP" -n "$n" -s RUNNING -t 10
  check "$n: state" RUNNING "$("$sb/lxc-info" -P "$LP" -n "$n" -s | awk '{print $2}')"
  check "$n: attach hostname" "$n" "$("$ab/lxc-attach" -P "$LP" -n "$n" -- hostname 2>&1)"
  check "$n: PID 1 inside is init" "init" "$("$ab/lxc-attach" -P "$LP" -n "$n" -- cat /proc/1/comm 2>&1)"
  "$sb/lxc-stop" -P "$LP" -n "$n" -t 10
  check "$n: stopped" STOPPED "$("$sb/lxc-info" -P "$LP" -n "$n" -s | awk '{print $2}')"
}
cfg=$WORK/net.conf
echo "lxc.net.0.type = empty" >"$cfg"

echo "== made by LXC ($("$RBIN/lxc-create" --version)), run by lxcpp"
"$RBIN/lxc-create" -P "$LP" -n made-by-lxc -f "$cfg" -t busybox >"$WORK/c1.log" 2>&1 || { cat "$WORK/c1.log"; die "reference lxc-create failed"; }
run_in "$PBIN" "$PBIN" made-by-lxc
echo "== made by lxcpp ($("$PBIN/lxc-create" --version)), run by LXC"
"$PBIN/lxc-create" -P "$LP" -n made-by-lxcpp -f "$cfg" -t busybox >"$WORK/c2.log" 2>&1 || { cat "$WORK/c2.log"; die "lxcpp lxc-create failed"; }
run_in "$RBIN" "$RBIN" made-by-lxcpp
echo "== started by LXC, seen and handled by lxcpp's tools (through LXC's monitor)"
n=made-by-lxc
"$RBIN/lxc-start" -P "$LP" -n "$n" && "$RBIN/lxc-wait" -P "$LP" -n "$n" -s RUNNING -t 10
rpid=$("$RBIN/lxc-info" -P "$LP" -n "$n" -p -H)
check "lxcpp lxc-info -s" RUNNING "$("$PBIN/lxc-info" -P "$LP" -n "$n" -s | awk '{print $2}')"
check "lxcpp lxc-info -p: LXC's init" "$rpid" "$("$PBIN/lxc-info" -P "$LP" -n "$n" -p -H)"
check "lxcpp lxc-ls -f" "$n RUNNING" "$("$PBIN/lxc-ls" -P "$LP" -f -F NAME,STATE | awk -v n="$n" '$1 == n {print $1, $2}')"
check "lxcpp lxc-start refuses it" 1 "$("$PBIN/lxc-start" -P "$LP" -n "$n" >/dev/null 2>&1; echo $?)"
check "lxcpp lxc-attach" "$n" "$("$PBIN/lxc-attach" -P "$LP" -n "$n" -- hostname 2>&1)"
check "lxcpp lxc-attach: in its cgroups" "" "$("$PBIN/lxc-attach" -P "$LP" -n "$n" -- cat /proc/self/cgroup | grep -v ':/$')"
"$PBIN/lxc-stop" -P "$LP" -n "$n" -k
check "lxcpp lxc-stop -k: LXC says STOPPED" STOPPED "$("$RBIN/lxc-info" -P "$LP" -n "$n" -s | awk '{print $2}')"
"$RBIN/lxc-start" -P "$LP" -n "$n" && "$RBIN/lxc-wait" -P "$LP" -n "$n" -s RUNNING -t 10
"$PBIN/lxc-stop" -P "$LP" -n "$n" -t 10
check "lxcpp lxc-stop (halt): LXC says STOPPED" STOPPED "$("$RBIN/lxc-info" -P "$LP" -n "$n" -s | awk '{print $2}')"
echo "== each destroys the other's"
"$PBIN/lxc-destroy" -P "$LP" -n made-by-lxc && check "lxcpp destroys LXC's container" "" "$(ls "$LP" | grep -x made-by-lxc)"
"$RBIN/lxc-destroy" -P "$LP" -n made-by-lxcpp && check "LXC destroys lxcpp's container" "" "$(ls "$LP" | grep -x made-by-lxcpp)"
echo "crosscheck: $fails failed"
[ "$fails" = 0 ]
