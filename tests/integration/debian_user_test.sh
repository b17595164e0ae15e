#!/usr/bin/env bash
# The debootstrapped Debian 12 as a normal user's container, no root
# involved in its life: lxc-create -t local imports the rootfs into the
# user's /etc/subuid range, lxc-start runs it in a cgroup2 subtree delegated
# to the user (as systemd-run --user --scope -p Delegate=yes gives one);
# systemd boots to running or degraded with its own cgroups below the
# container's; lxc-stop halts it and removes those cgroups too.
. "$(dirname "$0")/lib.sh"
need_root
[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)" != 0 ] || skip "user namespaces are disabled"
command -v newuidmap >/dev/null && command -v newgidmap >/dev/null || skip "newuidmap/newgidmap (package uidmap) missing"
command -v useradd >/dev/null && command -v runuser >/dev/null || skip "useradd/runuser missing"
cg2=$(awk '$3 == "cgroup2" {print $2; exit}' /proc/self/mounts)
[ -n "$cg2" ] || skip "no cgroup2 hierarchy to delegate"

user=udb$$
base=$((4000000 + ($$ % 500) * 65536))
dir=$(mktemp -d /tmp/lxcpp-test-udeb-XXXXXX)
home=$dir/home
D=$cg2/lxcpp-test-udeb-$$
cleanup() {
  pkill -KILL -u "$base" 2>/dev/null || true
  remove_subid_user "$user"
  [ -d "$D" ] && find "$D" -depth -type d -exec rmdir {} \; 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
chmod 755 "$dir"

. "$(dirname "$0")/debian_rootfs.sh"
debian_rootfs_tarball
cp "$DEBIAN_TARBALL" "$dir/debian.tar.zst"
chmod 644 "$dir/debian.tar.zst"

confdir=$dir/lxc-config
debian_lxc_configs "$confdir"

add_subid_user "$user" "$base" "$home"
mkdir -p "$home/.config/lxc" "$home/.local/share"
cat >"$home/.config/lxc/default.conf" <<EOF
lxc.include = $confdir/debian.common.conf
lxc.include = $confdir/debian.userns.conf
lxc.net.0.type = empty
lxc.apparmor.profile = unconfined
lxc.idmap = u 0 $base 65536
lxc.idmap = g 0 $base 65536
EOF
chown -R "$user" "$home"
chmod 755 "$home" "$home/.local" "$home/.local/share"
mkdir "$D"
chown "$user" "$D" "$D/cgroup.procs" "$D/cgroup.subtree_control" "$D/cgroup.threads"
as_user() { runuser -u "$user" -- env HOME="$home" "$@"; }
# a root subshell moves itself into the delegated cgroup, then runs the user's command
in_deleg() { (echo "$BASHPID" >"$D/cgroup.procs" && as_user "$@"); }
L=(-n deb)

expect_rc "lxc-create -t local (the tarball, as $user)" 0 as_user "$BIN/lxc-create" "${L[@]}" -t local -- \
  --fstree "$dir/debian.tar.zst" --no-dev
rootfs=$home/.local/share/lxc/deb/rootfs
expect_eq "the rootfs belongs to the container's root" "$base:$base" "$(stat -c %u:%g "$rootfs/etc/passwd")"
echo "lxc.console.logfile = $dir/console.log" >>"$home/.local/share/lxc/deb/config"
touch "$dir/console.log" && chown "$user" "$dir/console.log"

# lxc-start and lxc-attach from within the delegated cgroup; the log in the user's home
SYSTEMD_BOOT_RUN=in_deleg systemd_boot "$home" "${L[@]}"
if [ "$state" != running ]; then
  in_deleg "$BIN/lxc-attach" "${L[@]}" -- systemctl --failed --no-legend 2>&1 | head -n20 || true
fi
pid=$(as_user "$BIN/lxc-info" "${L[@]}" -p -H | awk '{print $NF}')
expect_eq "PID 1 is systemd" systemd "$(cat "/proc/$pid/comm" 2>/dev/null)"
expect_eq "... as host uid $base" "$base" "$(stat -c %u "/proc/$pid")"
expect_eq "systemd made its cgroups below the container's" yes \
  "$([ -d "$D/lxc.payload.deb/init.scope" ] && echo yes || echo no)"

expect_rc "lxc-stop halts it" 0 as_user "$BIN/lxc-stop" "${L[@]}" -t 10 --nokill
expect_contains "systemd halted cleanly" "Halting system." "$(tr -d '\r' <"$dir/console.log" 2>/dev/null)"
for _ in $(seq 50); do [ -z "$(find "$D" -mindepth 1 -type d)" ] && break; sleep 0.1; done
expect_eq "no cgroup left below the delegation" "" "$(find "$D" -mindepth 1 -type d)"
expect_rc "lxc-destroy as $user" 0 as_user "$BIN/lxc-destroy" "${L[@]}"
expect_eq "nothing of the container left" "no" "$([ -e "$home/.local/share/lxc/deb" ] && echo yes || echo no)"
expect_eq "no process of the container's ids left" "" "$(pgrep -u "$base" || true)"
rmdir "$D"
finish
