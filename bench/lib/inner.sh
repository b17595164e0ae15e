#!/bin/bash
# Runs inside a private mount namespace (started by bench/run.sh through `unshare -m`).
# Lays the extracted reference LXC over its compiled-in paths with read-only overlays (and a
# writable overlay over /run for its lock files), then measures lxcpp and LXC side by side,
# alternating the two sides run by run so that load from other processes hits both alike.
#
# Environment (set by run.sh): WORK, REF, PBIN, ID, RUNS, WARMUP, CREATE_RUNS, LS_COUNT,
# LS_RUNNING, BULK, BULK_REPS, RESULTS_TSV, LOG
set -u
shopt -s nullglob

die() { echo "bench: $*" >&2; exit 1; }

# ---------------------------------------------------------------- namespace setup
[ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] ||
  die "inner.sh must run in a private mount namespace (use bench/run.sh)"
# The reference at its compiled-in paths (read-only overlays, /run writable).
. "$(dirname "${BASH_SOURCE[0]}")/ref_overlays.sh"
ref_overlays
[ -x "/usr/lib/$MA/lxc/rootfs" ] || [ -d "/usr/lib/$MA/lxc/rootfs" ] || die "reference rootfs mount point not visible"
"$PBIN/lxc-start" --version 2>/dev/null | grep -q lxcpp || die "$PBIN/lxc-start is not lxcpp"

# ---------------------------------------------------------------- sides
# side p = lxcpp, side r = reference LXC
declare -A BIN=([p]="$PBIN" [r]="$RBIN")
declare -A LP=([p]="$WORK/lxcpp" [r]="$WORK/lxc")
declare -A LABEL=([p]=lxcpp [r]=LXC)
mkdir -p "${LP[p]}" "${LP[r]}"
cname() { printf '%s%s-%03d' "$1" "$ID" "$2"; }   # cname SIDE N

CONF=$WORK/bench.conf
{
  echo "lxc.net.0.type = empty"
  if [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ]; then
    echo "lxc.apparmor.profile = unconfined"
  fi
} >"$CONF"

t() {  # t SIDE TOOL ARGS...: run a tool of SIDE on its lxcpath, output to the log
  local s=$1 tool=$2; shift 2
  "${BIN[$s]}/$tool" -P "${LP[$s]}" "$@" >>"$LOG" 2>&1
}

# ---------------------------------------------------------------- watchdog
# A tool that hangs (e.g. lxcpp's lxc-execute when init exits before the monitor blocks
# SIGCHLD) is killed after CMD_TIMEOUT seconds; the run is then counted as failed.
CMD_TIMEOUT=${CMD_TIMEOUT:-30}
watchdog() {  # builtins only, so that it costs next to nothing while it scans
  local hz p up st a
  local -a argv
  hz=$(getconf CLK_TCK)
  trap - INT TERM EXIT
  while sleep 3; do
    read -r up _ </proc/uptime
    up=${up/./}   # centiseconds
    for p in /proc/[0-9]*; do
      mapfile -d '' -t argv <"$p/cmdline" 2>/dev/null || continue
      ((${#argv[@]} > 2)) || continue
      case ${argv[0]} in "$PBIN"/lxc-start | "$RBIN"/lxc-start) continue ;; "$PBIN"/lxc-* | "$RBIN"/lxc-*) ;; *) continue ;; esac
      [[ ${argv[1]} == -P && ${argv[2]} == "$WORK"/* ]] || continue
      read -r -a st <"$p/stat" 2>/dev/null || continue
      if (((up * hz / 100 - st[21]) > CMD_TIMEOUT * hz)); then
        echo "bench: watchdog: killing ${p#/proc/} after ${CMD_TIMEOUT}s: ${argv[*]}" >&2
        kill -KILL "${p#/proc/}" 2>/dev/null
      fi
    done
  done
}
watchdog &
WATCHDOG=$!

# ---------------------------------------------------------------- cleanup
CLEANED=0
cleanup() {
  [ "$CLEANED" = 1 ] && return
  CLEANED=1
  trap '' INT TERM
  local s d n
  kill "$WATCHDOG" 2>/dev/null
  for s in p r; do
    for d in "${LP[$s]}"/*/; do
      n=$(basename "$d")
      [ -f "$d/config" ] || continue
      case $("${BIN[$s]}/lxc-info" -P "${LP[$s]}" -n "$n" -s 2>/dev/null) in
        *STOPPED*) ;;
        *) t "$s" lxc-stop -n "$n" -k
           t "$s" lxc-wait -n "$n" -s STOPPED -t 10 ;;
      esac
    done
  done
}
on_signal() { echo "bench: interrupted, cleaning up" >&2; cleanup; exit 130; }
trap on_signal INT TERM
trap cleanup EXIT

# ---------------------------------------------------------------- measurement helpers
median() { sort -n "$1" | awk '{a[NR]=$1} END {if (NR==0) {print "NA"; exit} if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
record() {  # record KEY UNIT P_FILE R_FILE
  local key=$1 unit=$2 pm rm np nr
  pm=$(median "$3"); rm=$(median "$4"); np=$(wc -l <"$3"); nr=$(wc -l <"$4")
  printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$key" "$unit" "$pm" "$rm" "$np" "$nr" >>"$RESULTS_TSV"
  printf '  %-28s lxcpp %10s %s   LXC %10s %s   (n=%s/%s)\n' "$key" "$pm" "$unit" "$rm" "$unit" "$np" "$nr" >&2
}

# bench_pair KEY RUNS WARMUP FN [SETUP_FN]: times `FN SIDE` for both sides, alternating
# the order each run; SETUP_FN SIDE runs untimed before each run. Times in ms.
bench_pair() {
  local key=$1 runs=$2 warm=$3 fn=$4 setup=${5:-} i s order t0 t1 rc fails=0
  local fp=$WORK/times-$key-p fr=$WORK/times-$key-r
  : >"$fp"; : >"$fr"
  echo "bench: $key ($runs runs, $warm warmup)" >&2
  for ((i = -warm; i < runs; i++)); do
    if ((i % 2)); then order="r p"; else order="p r"; fi
    for s in $order; do
      [ -n "$setup" ] && $setup "$s"
      t0=${EPOCHREALTIME/./}
      $fn "$s"
      rc=$?
      t1=${EPOCHREALTIME/./}
      if ((rc != 0)); then
        fails=$((fails + 1))
        echo "bench: $key: ${LABEL[$s]} run $i failed (rc=$rc), see $LOG" >&2
        continue
      fi
      ((i >= 0)) && awk -v d=$((t1 - t0)) 'BEGIN {printf "%.3f\n", d / 1000}' >>"$WORK/times-$key-$s"
    done
  done
  record "$key" ms "$fp" "$fr"
}

wait_state() { t "$1" lxc-wait -n "$2" -s "$3" -t 20; }
ensure_stopped() { local s=$1 n=$2; t "$s" lxc-stop -n "$n" -k; wait_state "$s" "$n" STOPPED; }

# ---------------------------------------------------------------- 0. base containers
echo "bench: creating base containers" >&2
for s in p r; do
  t "$s" lxc-create -n "$(cname $s 0)" -t busybox -f "$CONF" || die "${LABEL[$s]} lxc-create -t busybox failed, see $LOG"
done

# ---------------------------------------------------------------- 0b. spawn floor
# What any command costs here before it does anything: the harness's fork and exec
# of /bin/true (dynamically linked, like both sides' tools), output to the log.
# Each timed tool run pays this once; the start/wait/stop cycle three times.
b_floor() { /bin/true >>"$LOG" 2>&1; }
bench_pair spawn_floor "$RUNS" "$WARMUP" b_floor

# ---------------------------------------------------------------- 1. lxc-execute
b_execute() { t "$1" lxc-execute -n "$(cname "$1" 0)" -- /bin/true; }
bench_pair execute "$RUNS" "$WARMUP" b_execute

# ---------------------------------------------------------------- 2. start/wait/stop cycle
b_cycle() {
  local n; n=$(cname "$1" 0)
  t "$1" lxc-start -n "$n" -d && t "$1" lxc-wait -n "$n" -s RUNNING && t "$1" lxc-stop -n "$n" -k
}
s_cycle() { wait_state "$1" "$(cname "$1" 0)" STOPPED; }   # untimed: previous cycle fully down
bench_pair start_wait_stop "$RUNS" "$WARMUP" b_cycle s_cycle
for s in p r; do wait_state $s "$(cname $s 0)" STOPPED; done

# ---------------------------------------------------------------- 3./4. info and attach on a running container
for s in p r; do
  t "$s" lxc-start -n "$(cname $s 0)" -d && wait_state "$s" "$(cname $s 0)" RUNNING ||
    die "${LABEL[$s]} cannot start $(cname $s 0), see $LOG"
done
b_info() { t "$1" lxc-info -n "$(cname "$1" 0)" -s; }
bench_pair info_s "$RUNS" "$WARMUP" b_info
b_attach() { t "$1" lxc-attach -n "$(cname "$1" 0)" -- /bin/true; }
bench_pair attach "$RUNS" "$WARMUP" b_attach
for s in p r; do ensure_stopped $s "$(cname $s 0)"; done

# ---------------------------------------------------------------- 5. create + destroy
b_create() {
  local n; n=$(cname "$1" 999)
  t "$1" lxc-create -n "$n" -t busybox -f "$CONF" && t "$1" lxc-destroy -n "$n"
}
bench_pair create_destroy "$CREATE_RUNS" 1 b_create

# ---------------------------------------------------------------- 5b. copy, snapshot, destroy
# The reference copies a dir rootfs with rsync; without it these are skipped.
if command -v rsync >/dev/null; then
  b_copy() { t "$1" lxc-copy -n "$(cname "$1" 0)" -N "$(cname "$1" 998)"; }
  s_copy() { t "$1" lxc-destroy -n "$(cname "$1" 998)"; return 0; }
  bench_pair copy_dir "$CREATE_RUNS" 1 b_copy s_copy
  s_copy "p"; s_copy "r"
  b_snapshot() { t "$1" lxc-snapshot -n "$(cname "$1" 0)"; }
  s_snapshot() { t "$1" lxc-snapshot -n "$(cname "$1" 0)" -d ALL; return 0; }
  bench_pair snapshot_dir "$CREATE_RUNS" 1 b_snapshot s_snapshot
  s_snapshot "p"; s_snapshot "r"
  s_destroy() { t "$1" lxc-copy -n "$(cname "$1" 0)" -N "$(cname "$1" 996)"; }
  b_destroy() { t "$1" lxc-destroy -n "$(cname "$1" 996)"; }
  bench_pair destroy_dir "$CREATE_RUNS" 1 b_destroy s_destroy
else
  echo "bench: rsync not installed: the reference LXC cannot copy a dir rootfs; copy_dir, snapshot_dir, destroy_dir skipped" >&2
fi
b_copy_s() { t "$1" lxc-copy -n "$(cname "$1" 0)" -N "$(cname "$1" 997)" -s; }
s_copy_s() { t "$1" lxc-destroy -n "$(cname "$1" 997)"; return 0; }
bench_pair copy_snapshot_overlay "$RUNS" "$WARMUP" b_copy_s s_copy_s
s_copy_s "p"; s_copy_s "r"
s_destroy_ovl() { t "$1" lxc-copy -n "$(cname "$1" 0)" -N "$(cname "$1" 995)" -s; }
b_destroy_ovl() { t "$1" lxc-destroy -n "$(cname "$1" 995)"; }
bench_pair destroy_overlay "$RUNS" "$WARMUP" b_destroy_ovl s_destroy_ovl

# ---------------------------------------------------------------- 6. lxc-ls -f with LS_COUNT containers
echo "bench: defining $LS_COUNT containers per side (copies of the base config)" >&2
for s in p r; do
  base=$(cname $s 0)
  for ((i = 1; i < LS_COUNT; i++)); do
    n=$(cname $s $i)
    mkdir "${LP[$s]}/$n"
    sed -e "s|${LP[$s]}/$base/|${LP[$s]}/$n/|g" -e "s|^lxc.uts.name = .*|lxc.uts.name = \"$n\"|" \
      "${LP[$s]}/$base/config" >"${LP[$s]}/$n/config"
    if ((i < BULK || i < LS_RUNNING)); then
      cp -a "${LP[$s]}/$base/rootfs" "${LP[$s]}/$n/rootfs"
    fi
  done
done
for s in p r; do
  for ((i = 0; i < LS_RUNNING; i++)); do
    t "$s" lxc-start -n "$(cname $s $i)" -d && wait_state "$s" "$(cname $s $i)" RUNNING ||
      die "${LABEL[$s]} cannot start $(cname $s $i), see $LOG"
  done
done
b_ls() { t "$1" lxc-ls -f; }
bench_pair ls_f "$RUNS" "$WARMUP" b_ls
# sanity: both list the same number of containers
for s in p r; do
  cnt=$("${BIN[$s]}/lxc-ls" -P "${LP[$s]}" -1 2>/dev/null | wc -l)
  run=$("${BIN[$s]}/lxc-ls" -P "${LP[$s]}" -1 --running 2>/dev/null | wc -l)
  echo "bench:   ${LABEL[$s]} lxc-ls sees $cnt containers, $run running" >&2
done

# ---------------------------------------------------------------- 7. monitor memory
# The monitor is the parent of the container's init (LXC: "[lxc monitor] LXCPATH NAME";
# lxcpp: the lxc-start process that stays running).
echo "bench: monitor memory over $LS_RUNNING running containers" >&2
# Their steady state: the monitors are found first (lxc-info -p talks to them),
# then left alone for MEM_SETTLE seconds (lxcpp's drops its start-up code after
# 2 s with nothing to do), then read.
declare -A MONS=([p]="" [r]="")
for s in p r; do
  for ((i = 0; i < LS_RUNNING; i++)); do
    pid=$("${BIN[$s]}/lxc-info" -P "${LP[$s]}" -n "$(cname $s $i)" -p -H 2>/dev/null | awk '{print $NF}')
    [ -n "$pid" ] && [ -r "/proc/$pid/status" ] || { echo "bench:   ${LABEL[$s]}: no init pid for $(cname $s $i)" >&2; continue; }
    mon=$(awk '/^PPid:/ {print $2}' "/proc/$pid/status")
    [ -n "$mon" ] && MONS[$s]+="$mon "
  done
done
sleep "${MEM_SETTLE:-3}"
for s in p r; do
  : >"$WORK/rss-$s"; : >"$WORK/pss-$s"; : >"$WORK/pdirty-$s"
  first=1
  for mon in ${MONS[$s]}; do
    [ -r "/proc/$mon/smaps_rollup" ] || continue
    ((first)) && echo "bench:   ${LABEL[$s]} monitor: $(tr '\0' ' ' </proc/$mon/cmdline)" >&2
    first=0
    awk '/^Rss:/ {printf "%.3f\n", $2 / 1024}' "/proc/$mon/smaps_rollup" >>"$WORK/rss-$s"
    awk '/^Pss:/ {printf "%.3f\n", $2 / 1024}' "/proc/$mon/smaps_rollup" >>"$WORK/pss-$s"
    awk '/^Private_Dirty:/ {printf "%.3f\n", $2 / 1024}' "/proc/$mon/smaps_rollup" >>"$WORK/pdirty-$s"
  done
done
record monitor_rss MB "$WORK/rss-p" "$WORK/rss-r"
record monitor_pss MB "$WORK/pss-p" "$WORK/pss-r"
# what each further container really costs: pages no other process shares
record monitor_private_dirty MB "$WORK/pdirty-p" "$WORK/pdirty-r"

for s in p r; do
  for ((i = 0; i < LS_RUNNING; i++)); do t "$s" lxc-stop -n "$(cname $s $i)" -k; done
  for ((i = 0; i < LS_RUNNING; i++)); do wait_state "$s" "$(cname $s $i)" STOPPED; done
done

# ---------------------------------------------------------------- 8. BULK containers back to back
b_bulk_start() {
  local s=$1 i
  for ((i = 0; i < BULK; i++)); do t "$s" lxc-start -n "$(cname "$s" $i)" -d || return 1; done
  for ((i = 0; i < BULK; i++)); do wait_state "$s" "$(cname "$s" $i)" RUNNING || return 1; done
}
b_bulk_stop() {
  local s=$1 i
  for ((i = 0; i < BULK; i++)); do t "$s" lxc-stop -n "$(cname "$s" $i)" -k || return 1; done
  for ((i = 0; i < BULK; i++)); do wait_state "$s" "$(cname "$s" $i)" STOPPED || return 1; done
}
echo "bench: bulk_start_$BULK / bulk_stop_$BULK ($BULK_REPS reps)" >&2
for s in p r; do : >"$WORK/bs-$s"; : >"$WORK/bt-$s"; done
for ((k = 0; k < BULK_REPS; k++)); do
  if ((k % 2)); then order="r p"; else order="p r"; fi
  for s in $order; do
    t0=${EPOCHREALTIME/./}
    if b_bulk_start "$s"; then
      t1=${EPOCHREALTIME/./}
      awk -v d=$((t1 - t0)) 'BEGIN {printf "%.3f\n", d / 1000}' >>"$WORK/bs-$s"
    else
      echo "bench: ${LABEL[$s]} bulk start failed, see $LOG" >&2
    fi
    t0=${EPOCHREALTIME/./}
    if b_bulk_stop "$s"; then
      t1=${EPOCHREALTIME/./}
      awk -v d=$((t1 - t0)) 'BEGIN {printf "%.3f\n", d / 1000}' >>"$WORK/bt-$s"
    else
      echo "bench: ${LABEL[$s]} bulk stop failed, see $LOG" >&2
      for ((i = 0; i < BULK; i++)); do ensure_stopped "$s" "$(cname "$s" $i)"; done
    fi
  done
done
record "bulk_start_$BULK" ms "$WORK/bs-p" "$WORK/bs-r"
record "bulk_stop_$BULK" ms "$WORK/bt-p" "$WORK/bt-r"

cleanup
exit 0
