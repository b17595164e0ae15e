#!/bin/bash
# net_cycle and net_execute: lxc-start -d / lxc-wait RUNNING / lxc-stop -k,
# and lxc-execute -- /bin/true, of a busybox container with one veth on a
# bridge (the network Debian's /etc/lxc/default.conf gives every container),
# lxcpp against the reference LXC. Run by bench/run.sh as
#   unshare -m -n --propagation private bash bench/net_cycle.sh
# so that the bridge, the veths and the reference's overlays exist only in
# namespaces of its own. Same environment as inner.sh (WORK, REF, PBIN, ID,
# RUNS, WARMUP, RESULTS_TSV, LOG); appends two rows to RESULTS_TSV.
set -u
shopt -s nullglob
die() { echo "bench: net_cycle: $*" >&2; exit 1; }
[ "$(readlink /proc/self/ns/net)" != "$(readlink /proc/1/ns/net)" ] || die "must run in a network namespace of its own"
[ "$(readlink /proc/self/ns/mnt)" != "$(readlink /proc/1/ns/mnt)" ] || die "must run in a private mount namespace"
# The reference at its compiled-in paths (read-only overlays, /run writable in WORK).
. "$(dirname "${BASH_SOURCE[0]}")/lib/ref_overlays.sh"
ref_overlays netrun

# LXC finds the bridge through /sys/class/net, which shows the namespace
# sysfs was mounted in: a sysfs of this one, with the cgroup mounts kept.
mkdir -p "$WORK/netcg" && mount --rbind /sys/fs/cgroup "$WORK/netcg" && mount -t sysfs sysfs /sys &&
  mount --move "$WORK/netcg" /sys/fs/cgroup || die "cannot mount a sysfs of this network namespace"
ip link set lo up
ip link add ntxbench type bridge && ip addr add 10.0.3.1/24 dev ntxbench && ip link set ntxbench up ||
  die "cannot make the bridge"

declare -A BIN=([p]="$PBIN" [r]="$REF/usr/bin") LP=([p]="$WORK/net-lxcpp" [r]="$WORK/net-lxc")
mkdir -p "${LP[p]}" "${LP[r]}"
CONF=$WORK/net.conf
{
  echo "lxc.net.0.type = veth"
  echo "lxc.net.0.link = ntxbench"
  echo "lxc.net.0.flags = up"
  echo "lxc.net.0.hwaddr = 00:16:3e:xx:xx:xx"
  [ "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" = Y ] && echo "lxc.apparmor.profile = unconfined"
} >"$CONF"
t() { local s=$1 tool=$2; shift 2; "${BIN[$s]}/$tool" -P "${LP[$s]}" "$@" >>"$LOG" 2>&1; }
n() { echo "n$1$ID"; }
for s in p r; do
  t "$s" lxc-create -n "$(n $s)" -t busybox -f "$CONF" || die "$s: lxc-create failed, see $LOG"
done
cleanup() { for s in p r; do t "$s" lxc-stop -n "$(n $s)" -k; done; }
trap cleanup EXIT

median() { sort -n "$1" | awk '{a[NR]=$1} END {if (NR==0) {print "NA"; exit} if (NR%2) print a[(NR+1)/2]; else print (a[NR/2]+a[NR/2+1])/2}'; }
# pair KEY FN: FN SIDE timed RUNS times per side, sides alternating; one row.
pair() {
  local key=$1 fn=$2 i s order t0 t1 rc
  echo "bench: $key ($RUNS runs, $WARMUP warmup)" >&2
  : >"$WORK/times-$key-p"
  : >"$WORK/times-$key-r"
  for ((i = -WARMUP; i < RUNS; i++)); do
    if ((i % 2)); then order="r p"; else order="p r"; fi
    for s in $order; do
      t "$s" lxc-wait -n "$(n $s)" -s STOPPED -t 20
      t0=${EPOCHREALTIME/./}
      $fn "$s"
      rc=$?
      t1=${EPOCHREALTIME/./}
      ((rc == 0)) || { echo "bench: $key: side $s run $i failed, see $LOG" >&2; continue; }
      ((i >= 0)) && awk -v d=$((t1 - t0)) 'BEGIN {printf "%.3f\n", d / 1000}' >>"$WORK/times-$key-$s"
    done
  done
  local pm rm
  pm=$(median "$WORK/times-$key-p") rm=$(median "$WORK/times-$key-r")
  printf '%s\tms\t%s\t%s\t%s\t%s\n' "$key" "$pm" "$rm" "$(wc -l <"$WORK/times-$key-p")" \
    "$(wc -l <"$WORK/times-$key-r")" >>"$RESULTS_TSV"
  echo "bench:   $key lxcpp $pm ms   LXC $rm ms" >&2
}
cycle() { t "$1" lxc-start -n "$(n $1)" -d && t "$1" lxc-wait -n "$(n $1)" -s RUNNING -t 20 && t "$1" lxc-stop -n "$(n $1)" -k; }
execute() { t "$1" lxc-execute -n "$(n $1)" -- /bin/true; }
pair net_cycle cycle
pair net_execute execute
