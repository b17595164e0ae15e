# Sourced by the bench scripts. ref_overlays, inside a private mount
# namespace, shows the extracted reference LXC
# ($REF, from dpkg -x of Debian's lxc, liblxc1, liblxc-common) at the paths it
# was compiled for, with read-only overlays, and a writable overlay over /run
# (its lock files) backed by $WORK/TAG-upper (TAG: the argument, default
# "run"; one per namespace). Sets MA and RBIN (the reference's bin dir).
# Needs: REF, WORK, ID; a die function.
ref_overlays() {
  local tag=${1:-run}
  mount --make-rprivate / || die "cannot make / private"
  MA=$(cd "$REF/usr/lib" && ls -d *-linux-gnu | head -1)
  local d
  for d in /usr/share /usr/sbin /usr/libexec "/usr/lib/$MA"; do
    [ -d "$REF$d" ] || continue
    [ -d "$d" ] || die "$d missing on the host (needed as an overlay mount point)"
    mount -t overlay "lxcref-$ID" -o "lowerdir=$REF$d:$d" "$d" || die "overlay on $d failed"
  done
  mkdir -p "$WORK/$tag-upper" "$WORK/$tag-work"
  mount -t overlay "lxcref-$ID" -o "lowerdir=/run,upperdir=$WORK/$tag-upper,workdir=$WORK/$tag-work" /run ||
    die "overlay on /run failed"
  RBIN=$REF/usr/bin
  "$RBIN/lxc-start" --version >/dev/null 2>&1 || die "reference lxc-start does not run"
}

# LXC's monitor moves itself into an lxc.pivot cgroup in each hierarchy and
# leaves it there by design. A run notes whether there was one before it
# (lxc_pivot_existed) and, if not, removes the empty ones at the end
# (remove_lxc_pivot), so that only what the reference made is taken away.
lxc_pivot_existed() {
  local d
  for d in /sys/fs/cgroup/lxc.pivot /sys/fs/cgroup/*/lxc.pivot; do [ -d "$d" ] && return 0; done
  return 1
}
remove_lxc_pivot() {
  local d
  for d in /sys/fs/cgroup/lxc.pivot /sys/fs/cgroup/*/lxc.pivot; do
    [ -d "$d" ] && [ ! -s "$d/cgroup.procs" ] && rmdir "$d" 2>/dev/null
  done
  return 0
}
