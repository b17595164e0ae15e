#!/usr/bin/env bash
# lxc-checkconfig: verdicts on synthetic kernel configs, exit status, errors,
# and a line-by-line comparison with LXC 5.0's own script, which is fetched
# with `apt-get download lxc` and unpacked into a temporary directory (never
# installed, and /usr/bin/lxc-checkconfig is never run).
set -u
BIN=${LXCPP_BIN:?LXCPP_BIN must name the build directory}
ours="$BIN/lxc-checkconfig"
tmp=$(mktemp -d /tmp/lxcpp-checkconfig-test.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
failures=0
fail() {
  echo "FAIL: $*"
  failures=$((failures + 1))
}

# --- It is ours -------------------------------------------------------------
version=$("$ours" --version 2>&1)
if [[ $version != lxcpp* ]]; then
  echo "FAIL: $ours --version printed '$version', not lxcpp's version"
  exit 1
fi

# --- Synthetic configs --------------------------------------------------------
# Every symbol LXC's script asks about, old kernels' ones included.
symbols=(
  CONFIG_NAMESPACES CONFIG_UTS_NS CONFIG_IPC_NS CONFIG_PID_NS CONFIG_USER_NS CONFIG_NET_NS
  CONFIG_DEVPTS_MULTIPLE_INSTANCES CONFIG_CGROUPS CONFIG_CGROUP_DEVICE CONFIG_CGROUP_SCHED
  CONFIG_CGROUP_CPUACCT CONFIG_MEMCG CONFIG_CGROUP_MEM_RES_CTLR CONFIG_SMP CONFIG_CPUSETS
  CONFIG_VETH CONFIG_MACVLAN CONFIG_VLAN_8021Q CONFIG_BRIDGE CONFIG_NETFILTER_ADVANCED
  CONFIG_NF_NAT_IPV4 CONFIG_NF_NAT_IPV6 CONFIG_IP_NF_TARGET_MASQUERADE CONFIG_IP6_NF_TARGET_MASQUERADE
  CONFIG_NETFILTER_XT_TARGET_CHECKSUM CONFIG_NETFILTER_XT_MATCH_COMMENT CONFIG_FUSE_FS
  CONFIG_CHECKPOINT_RESTORE CONFIG_FHANDLE CONFIG_EVENTFD CONFIG_EPOLL CONFIG_UNIX_DIAG
  CONFIG_INET_DIAG CONFIG_PACKET_DIAG CONFIG_NETLINK_DIAG CONFIG_SECURITY_FILE_CAPABILITIES
)
# mkconfig FILE KERNEL_VERSION|"" [SYMBOL_TO_LEAVE_OUT...]
mkconfig() {
  local file=$1 kver=$2 s
  shift 2
  {
    echo "#"
    echo "# Automatically generated file; DO NOT EDIT."
    [ -n "$kver" ] && echo "# Linux/x86 $kver Kernel Configuration"
    echo "#"
    for s in "${symbols[@]}"; do
      if [[ " $* " == *" $s "* ]]; then
        echo "# $s is not set"
      else
        case $s in
          CONFIG_VETH | CONFIG_MACVLAN | CONFIG_VLAN_8021Q | CONFIG_BRIDGE) echo "$s=m" ;;
          *) echo "$s=y" ;;
        esac
      fi
    done
  } >"$file"
}

full="$tmp/full.config"
mkconfig "$full" 6.1.0
CONFIG="$full" "$ours" >"$tmp/full.out" 2>"$tmp/full.err"
rc=$?
[ "$rc" -eq 0 ] || fail "all items enabled: exit status $rc, expected 0"
for label in Namespaces "Utsname namespace" "Ipc namespace" "Pid namespace" "User namespace" \
  "Network namespace" Cgroups "Cgroup device" "Cgroup sched" "Cgroup cpu account" \
  "Cgroup memory controller" "Cgroup cpuset" "Veth pair device" Macvlan Vlan Bridges \
  "Advanced netfilter" CONFIG_IP_NF_TARGET_MASQUERADE CONFIG_IP6_NF_TARGET_MASQUERADE \
  CONFIG_NETFILTER_XT_TARGET_CHECKSUM CONFIG_NETFILTER_XT_MATCH_COMMENT "FUSE (for use with lxcfs)" \
  "checkpoint restore" CONFIG_FHANDLE CONFIG_EVENTFD CONFIG_EPOLL CONFIG_UNIX_DIAG CONFIG_INET_DIAG \
  CONFIG_PACKET_DIAG CONFIG_NETLINK_DIAG "File capabilities"; do
  grep -qE "^$(sed 's/[][()./*^$]/\\&/g' <<<"$label"): enabled(, (not )?loaded)?$" "$tmp/full.out" ||
    fail "all items enabled: no '$label: enabled' line"
done
for heading in "--- Namespaces ---" "--- Control groups ---" "--- Misc ---" "--- Checkpoint/Restore ---" \
  "Cgroup v1 mount points: " "Cgroup v2 mount points: "; do
  grep -qxF -- "$heading" "$tmp/full.out" || fail "all items enabled: no '$heading' line"
done
grep -q ': required$' "$tmp/full.out" && fail "all items enabled: a 'required' line"
grep -q $'\033' "$tmp/full.out" && fail "colours although stdout is not a terminal"
# 6.x: no items of old kernels.
grep -qE '^(Multiple /dev/pts instances|CONFIG_NF_NAT_IPV4):' "$tmp/full.out" && fail "6.1 config shows 4.x items"

# The same config gzip-compressed reads the same.
gzip -c "$full" >"$tmp/full.config.gz"
CONFIG="$tmp/full.config.gz" "$ours" >"$tmp/gz.out" 2>&1 || fail "gzip config: non-zero exit"
diff -q "$tmp/full.out" "$tmp/gz.out" >/dev/null || fail "gzip config: output differs from the plain one"

# A required item (PID namespace) and an optional one (veth) left out.
missing="$tmp/missing.config"
mkconfig "$missing" 6.1.0 CONFIG_PID_NS CONFIG_VETH
CONFIG="$missing" "$ours" >"$tmp/missing.out" 2>"$tmp/missing.err"
rc=$?
[ "$rc" -ne 0 ] || fail "required item missing: exit status 0"
# LXC's script words a missing mandatory item "required" and an optional one "missing".
grep -qx "Pid namespace: required" "$tmp/missing.out" || fail "required item missing: no 'Pid namespace: required'"
grep -qx "Veth pair device: missing" "$tmp/missing.out" || fail "optional item missing: no 'Veth pair device: missing'"
grep -qx "Ipc namespace: enabled" "$tmp/missing.out" || fail "required item missing: Ipc namespace not enabled"

# --- Errors -----------------------------------------------------------------
CONFIG=/nonexistent "$ours" >"$tmp/nx.out" 2>"$tmp/nx.err"
rc=$?
[ "$rc" -ne 0 ] || fail "CONFIG=/nonexistent: exit status 0"
grep -q "/nonexistent: No such file or directory" "$tmp/nx.err" ||
  fail "CONFIG=/nonexistent: stderr does not name the file: $(cat "$tmp/nx.err")"
grep -q "enabled" "$tmp/nx.out" && fail "CONFIG=/nonexistent: a report was printed"

head -c 200 "$tmp/full.config.gz" >"$tmp/cut.config.gz"
CONFIG="$tmp/cut.config.gz" "$ours" >"$tmp/cut.out" 2>"$tmp/cut.err"
rc=$?
[ "$rc" -ne 0 ] || fail "truncated gzip: exit status 0"
grep -q "unable to decompress kernel configuration $tmp/cut.config.gz" "$tmp/cut.err" ||
  fail "truncated gzip: unclear error: $(cat "$tmp/cut.err")"

# --- Colours on a terminal ------------------------------------------------------
if command -v script >/dev/null 2>&1; then
  CONFIG="$missing" script -qec "$ours" /dev/null >"$tmp/tty.out" 2>&1
  grep -qF $'Pid namespace: \033[1;31mrequired\033[0;39m' "$tmp/tty.out" || fail "no red 'required' on a terminal"
  grep -qF $'Namespaces: \033[1;32menabled\033[0;39m' "$tmp/tty.out" || fail "no green 'enabled' on a terminal"
else
  echo "note: no script(1), colours on a terminal not checked"
fi

if [ "$failures" -ne 0 ]; then
  echo "checkconfig: $failures failures before the comparison with LXC"
  exit 1
fi

# --- Comparison with LXC 5.0's lxc-checkconfig --------------------------------
refdir="$tmp/ref"
mkdir -p "$refdir"
chmod 755 "$tmp" "$refdir"  # lets apt download as its _apt user
ref=""
if (cd "$refdir" && timeout 300 apt-get download lxc) >"$tmp/apt.log" 2>&1 &&
  dpkg -x "$refdir"/lxc_*.deb "$refdir/root" >>"$tmp/apt.log" 2>&1 &&
  [ -f "$refdir/root/usr/bin/lxc-checkconfig" ]; then
  ref="$refdir/root/usr/bin/lxc-checkconfig"
fi
if [ -z "$ref" ]; then
  echo "checkconfig: SKIPPED the comparison with LXC: apt-get download lxc failed:"
  tail -n 5 "$tmp/apt.log"
  echo "checkconfig: all other checks passed"
  exit 0
fi
echo "reference: $(ls "$refdir"/lxc_*.deb | xargs -n1 basename)"

# Blank lines, the usage line (it names the program) and module load states
# are left out: the script asks lsmod, which may be absent, while we read
# /proc/modules; the script also drops one blank line when cpusets are missing.
normalize() {
  grep -v -e '^$' -e '^usage : CONFIG=' "$1" | sed -E 's/^(.+: enabled), (not )?loaded$/\1/'
}
verdicts() { sed -nE 's/^(.+): (enabled|missing|required)$/\1\t\2/p' "$1"; }

compared=0
configs=0
# compare NAME CONFIG_FILE: prints the number of items compared on fd 3
compare() {
  local name=$1 config=$2 n=0 label word rword
  CONFIG="$config" "$ours" >"$tmp/ours.out" 2>"$tmp/ours.err"
  CONFIG="$config" sh "$ref" >"$tmp/ref.out" 2>"$tmp/ref.err"
  normalize "$tmp/ours.out" >"$tmp/ours.norm"
  normalize "$tmp/ref.out" >"$tmp/ref.norm"
  verdicts "$tmp/ours.norm" >"$tmp/ours.v"
  verdicts "$tmp/ref.norm" >"$tmp/ref.v"
  if [ ! -s "$tmp/ref.v" ]; then
    fail "$name: LXC's script printed no items: $(head -n 3 "$tmp/ref.err")"
    return
  fi
  while IFS=$'\t' read -r label word; do
    rword=$(awk -F'\t' -v l="$label" '$1 == l { print $2 }' "$tmp/ref.v")
    if [ -z "$rword" ]; then
      fail "$name: only lxcpp prints '$label' ($word)"
      continue
    fi
    n=$((n + 1))
    [ "$word" = "$rword" ] || fail "$name: '$label': lxcpp says $word, LXC says $rword"
  done <"$tmp/ours.v"
  while IFS=$'\t' read -r label word; do
    grep -qF -- "$label"$'\t' "$tmp/ours.v" || fail "$name: only LXC prints '$label' ($word)"
  done <"$tmp/ref.v"
  if ! diff -u "$tmp/ref.norm" "$tmp/ours.norm" >"$tmp/diff"; then
    fail "$name: the outputs differ beyond the item verdicts (- LXC, + lxcpp):"
    cat "$tmp/diff"
  fi
  compared=$((compared + n))
  configs=$((configs + 1))
  echo "$name: $n items compared"
  last_count=$n
}

# This machine's kernel config first, as the script would find it.
real=""
[ -f "/boot/config-$(uname -r)" ] && real="/boot/config-$(uname -r)"
[ -z "$real" ] && [ -f /proc/config.gz ] && real=/proc/config.gz
last_count=0
if [ -n "$real" ]; then
  compare "this machine ($real)" "$real"
else
  echo "this machine has no kernel config; using the synthetic one"
  compare "this machine (synthetic)" "$full"
fi
real_count=$last_count

# Synthetic configs that walk the script's kernel-version rules.
compare "synthetic 6.1, all enabled" "$full"
compare "synthetic 6.1, pid ns and veth missing" "$missing"
mkconfig "$tmp/nover.config" ""
compare "synthetic, no version header" "$tmp/nover.config"
for kver in 2.6.32 3.2.0 3.10.0 4.4.0 4.9.0; do
  mkconfig "$tmp/k$kver.config" "$kver"
  compare "synthetic $kver, all enabled" "$tmp/k$kver.config"
  mkconfig "$tmp/k$kver-none.config" "$kver" "${symbols[@]}"
  compare "synthetic $kver, all missing" "$tmp/k$kver-none.config"
done

echo "checkconfig: compared $compared item verdicts with LXC 5.0's lxc-checkconfig over $configs configs" \
  "($real_count on this machine's kernel config), $failures differences"
[ "$failures" -eq 0 ] || exit 1
exit 0
