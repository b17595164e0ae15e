#!/bin/bash
# lxcpp vs. reference LXC 5.0 benchmarks: one entry point, see bench/README.md.
#
#   sudo bash bench/run.sh            # full run (about 4-6 minutes)
#   RUNS=10 LS_COUNT=50 BULK=10 sudo bash bench/run.sh   # quick run
#
# Environment:
#   LXCPP_BIN    dir with lxcpp's lxc-* binaries (default /tmp/build-bench, built there if missing)
#   LXC_REF      dir where Debian's lxc, liblxc1, liblxc-common are extracted with dpkg -x
#                (default: downloaded with apt-get download into the work dir, removed afterwards)
#   RUNS, WARMUP per-command benchmarks (default 30, 3); CREATE_RUNS (default 8)
#   LS_COUNT, LS_RUNNING  containers for lxc-ls -f (default 200, 10 running)
#   BULK, BULK_REPS       back-to-back start/stop (default 50 containers, 3 repetitions)
#   RESULTS_DIR  where the table and raw times go (default /tmp/lxcpp-bench-results)
#   MEM_SETTLE   seconds the running monitors are left alone before their memory is read (3)
#   NET_CYCLE    1 (default) also runs bench/net_cycle.sh (start/stop and execute with one veth
#                on a bridge, as Debian's default.conf), 0 skips it
set -u
set -m   # the inner script runs in its own process group: Ctrl-C reaches only us, we forward it

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SRC=$(cd "$HERE/.." && pwd)
die() { echo "bench: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || die "must run as root (containers, mounts, cgroups)"
command -v unshare >/dev/null || die "unshare (util-linux) is needed"
grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || true
grep -qw overlay /proc/filesystems || die "overlayfs is needed to show the reference LXC at its paths"
[ -x /usr/bin/busybox ] || [ -x /bin/busybox ] || die "busybox-static is needed (apt-get install busybox-static)"

export RUNS=${RUNS:-30} WARMUP=${WARMUP:-3} CREATE_RUNS=${CREATE_RUNS:-8}
export LS_COUNT=${LS_COUNT:-200} LS_RUNNING=${LS_RUNNING:-10}
export BULK=${BULK:-50} BULK_REPS=${BULK_REPS:-3}
((LS_COUNT >= BULK && LS_COUNT >= LS_RUNNING)) || die "LS_COUNT must be >= BULK and >= LS_RUNNING"
RESULTS_DIR=${RESULTS_DIR:-/tmp/lxcpp-bench-results}

# ---------------------------------------------------------------- lxcpp binaries
PBIN=${LXCPP_BIN:-/tmp/build-bench}
if [ ! -x "$PBIN/lxc-start" ]; then
  [ -z "${LXCPP_BIN:-}" ] || die "$PBIN/lxc-start not found"
  # The build users get (scripts/build.sh, README): RelWithDebInfo, -O2. -O3
  # (Release) is no faster here and its text is a fifth larger.
  echo "bench: building lxcpp (RelWithDebInfo) into $PBIN" >&2
  cmake -S "$SRC" -B "$PBIN" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLXCPP_TESTS=OFF >/dev/null &&
    cmake --build "$PBIN" -j"$(nproc)" >/dev/null || die "build failed"
fi
PBIN=$(cd "$PBIN" && pwd)
export PBIN

# ---------------------------------------------------------------- work dir and cleanup
WORK=$(mktemp -d /tmp/lxcpp-bench-XXXX) || die "mktemp failed"
export WORK ID=$((RANDOM % 9000 + 1000)) LOG=$WORK/bench.log RESULTS_TSV=$WORK/results.tsv
: >"$RESULTS_TSV"
# cgroups that LXC leaves behind by design (its monitor's pivot cgroup): remove only ours
. "$HERE/lib/ref_overlays.sh"
PIVOT_EXISTED=0
lxc_pivot_existed && PIVOT_EXISTED=1

INNER=
finish() {
  trap '' INT TERM
  if [ -n "$INNER" ] && kill -0 "$INNER" 2>/dev/null; then
    kill -TERM "$INNER" 2>/dev/null
    while kill -0 "$INNER" 2>/dev/null; do wait "$INNER" 2>/dev/null; done
  fi
  # fallback: anything still alive that belongs to this run (monitor cmdlines name the
  # work dir; container processes sit in lxc.payload.[pr]ID-*, net_cycle's in lxc.payload.n[pr]ID)
  local p pids=()
  for p in /proc/[0-9]*; do
    p=${p#/proc/}
    [ "$p" = $$ ] && continue
    if grep -qs -e "lxc\.\(payload\|monitor\)\.[pr]$ID-" "/proc/$p/cgroup" ||
      { tr '\0' ' ' <"/proc/$p/cmdline"; } 2>/dev/null | grep -q -- "$WORK/"; then
      pids+=("$p")
    fi
  done
  if ((${#pids[@]})); then
    echo "bench: killing leftover processes ${pids[*]}" >&2
    kill -KILL "${pids[@]}" 2>/dev/null
    sleep 0.5
  fi
  local d
  for d in $(find /sys/fs/cgroup -depth -type d \( -name "lxc.payload.[pr]$ID-*" -o -name "lxc.monitor.[pr]$ID-*" -o -name "lxc.*.n[pr]$ID" \) 2>/dev/null); do
    rmdir "$d" 2>/dev/null
  done
  [ "$PIVOT_EXISTED" = 1 ] || remove_lxc_pivot
  if grep -q -- " $WORK" /proc/self/mountinfo; then
    echo "bench: WARNING: mounts left under $WORK:" >&2
    grep -- " $WORK" /proc/self/mountinfo >&2
  else
    rm -rf --one-file-system "$WORK"
  fi
}
trap 'echo "bench: interrupted" >&2; finish; exit 130' INT TERM
trap finish EXIT

# ---------------------------------------------------------------- reference LXC
if [ -n "${LXC_REF:-}" ]; then
  REF=$(cd "$LXC_REF" && pwd) || die "LXC_REF=$LXC_REF not found"
else
  REF=$WORK/ref
  echo "bench: fetching the reference (apt-get download lxc liblxc1 liblxc-common)" >&2
  mkdir -p "$WORK/debs" "$REF" && chmod 755 "$WORK" && chmod 777 "$WORK/debs"
  (cd "$WORK/debs" && apt-get download -q lxc liblxc1 liblxc-common >>"$LOG" 2>&1) ||
    die "apt-get download failed (see $LOG)"
  for deb in "$WORK"/debs/*.deb; do dpkg -x "$deb" "$REF" || die "dpkg -x $deb failed"; done
fi
[ -x "$REF/usr/bin/lxc-start" ] || die "$REF has no usr/bin/lxc-start"
export REF

# ---------------------------------------------------------------- run
REFVER=$(LD_LIBRARY_PATH=$(echo "$REF"/usr/lib/*-linux-gnu) "$REF/usr/bin/lxc-start" --version 2>/dev/null)
echo "bench: work dir $WORK, lxcpp $PBIN, LXC $REFVER from $REF" >&2
unshare -m --propagation private bash "$HERE/lib/inner.sh" &
INNER=$!
wait "$INNER"; RC=$?
while kill -0 "$INNER" 2>/dev/null; do wait "$INNER"; RC=$?; done
INNER=
[ "$RC" = 0 ] || { echo "bench: benchmark run failed (rc=$RC); log:" >&2; tail -30 "$LOG" >&2; exit "$RC"; }
# net_cycle: one veth on a bridge, in a network namespace of its own (bench/net_cycle.sh).
if [ "${NET_CYCLE:-1}" = 1 ]; then
  unshare -m -n --propagation private bash "$HERE/net_cycle.sh" || echo "bench: net_cycle failed; see $LOG" >&2
fi

# ---------------------------------------------------------------- table
target() {
  case $1 in
    execute | start_wait_stop | info_s | ls_f | monitor_pss | net_cycle | net_execute) echo 0.50 ;;
    attach) echo 0.60 ;;
    create_destroy) echo 0.10 ;;
    copy_dir | snapshot_dir | copy_snapshot_overlay) echo 0.50 ;;
    *) echo - ;;
  esac
}
mkdir -p "$RESULTS_DIR"
STAMP=$(date +%Y%m%d-%H%M%S)
{
  echo "lxcpp vs LXC $REFVER  ($(date -u '+%F %T UTC'), $(uname -r), $(nproc) CPUs, load $(cut -d' ' -f1-3 /proc/loadavg))"
  echo "runs=$RUNS warmup=$WARMUP create_runs=$CREATE_RUNS ls=$LS_COUNT/$LS_RUNNING bulk=$BULK x$BULK_REPS; medians; ratio = lxcpp / LXC"
  printf '%-20s %14s %14s %8s %8s  %s\n' benchmark "lxcpp" "LXC" ratio target verdict
  while IFS=$'\t' read -r key unit pm rm np nr; do
    ratio=$(awk -v a="$pm" -v b="$rm" 'BEGIN {if (a == "NA" || b == "NA" || b == 0) print "NA"; else printf "%.2f", a / b}')
    tg=$(target "$key")
    verdict=
    if [ "$tg" != - ] && [ "$ratio" != NA ]; then
      verdict=$(awk -v r="$ratio" -v t="$tg" 'BEGIN {print (r <= t) ? "ok" : "MISS"}')
    fi
    printf '%-20s %11s %-2s %11s %-2s %8s %8s  %s\n' "$key" "$pm" "$unit" "$rm" "$unit" "$ratio" "$tg" "$verdict"
  done <"$RESULTS_TSV"
} >"$RESULTS_DIR/$STAMP.txt"
cp "$RESULTS_DIR/$STAMP.txt" "$RESULTS_DIR/latest.txt"
mkdir -p "$RESULTS_DIR/raw-$STAMP" && cp "$WORK"/times-* "$WORK"/rss-* "$WORK"/pss-* "$WORK"/pdirty-* "$WORK"/bs-* "$WORK"/bt-* "$RESULTS_DIR/raw-$STAMP/" 2>/dev/null
cat "$RESULTS_DIR/latest.txt"
echo "bench: results in $RESULTS_DIR/latest.txt" >&2
