# The debootstrapped Debian 12 root filesystem some CLI tests boot: source it
# after lib.sh, then call debian_rootfs_tarball. It is cached outside the
# checkout, in $LXCPP_TEST_CACHE (default /var/cache/lxcpp-test)/
# debian-bookworm.tar.zst (minbase + systemd-sysv + procps, numeric owners,
# xattrs), and made with debootstrap when missing (about 2 minutes on a fast
# mirror). Skips the test (exit 77) when it cannot be made.

# The mirror this machine's apt uses (deb822 or one-line sources).
debian_mirror() {
  local m
  m=$(grep -hsE '^(URIs:|deb )' /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources |
    grep -oE 'https?://[^ ]*/debian/?( |$)' | head -n1 | tr -d ' ')
  echo "${m:-http://deb.debian.org/debian}"
}

# Sets DEBIAN_TARBALL to the cached tarball, making it first if needed.
debian_rootfs_tarball() {
  local cache_dir=${LXCPP_TEST_CACHE:-/var/cache/lxcpp-test}
  DEBIAN_TARBALL=$cache_dir/debian-bookworm.tar.zst
  if [ ! -s "$DEBIAN_TARBALL" ]; then
    command -v debootstrap >/dev/null || skip "debootstrap is not installed (apt-get install debootstrap)"
    command -v zstd >/dev/null || skip "zstd is not installed"
    mkdir -p "$cache_dir" || skip "cannot create $cache_dir"
    local build rc=0
    build=$(mktemp -d "$cache_dir/build-XXXXXX")
    echo "# debootstrap bookworm from $(debian_mirror) into $build (cached as $DEBIAN_TARBALL)"
    timeout 600 debootstrap --variant=minbase --include=systemd-sysv,procps bookworm "$build/root" "$(debian_mirror)" \
      >"$build.log" 2>&1 || rc=$?
    if [ "$rc" != 0 ]; then
      tail -n5 "$build.log"
      rm -rf "$build" "$build.log"
      [ "$rc" = 124 ] && skip "debootstrap took longer than 10 minutes"
      skip "debootstrap failed (exit $rc; is the mirror reachable?)"
    fi
    tar -C "$build/root" --numeric-owner --xattrs -I 'zstd -T0 -3' -cf "$DEBIAN_TARBALL.tmp" . &&
      mv "$DEBIAN_TARBALL.tmp" "$DEBIAN_TARBALL"
    rm -rf "$build" "$build.log"
  fi
  [ -s "$DEBIAN_TARBALL" ] || skip "no Debian root filesystem at $DEBIAN_TARBALL"
}

# debian_lxc_configs DIR: Debian's LXC configs (liblxc-common, lxc-templates:
# common.conf, debian.common.conf, debian.userns.conf...) unpacked into DIR
# with dpkg -x, LXC itself never installed; their include paths are
# rewritten to point there. Skips the test when they cannot be had.
debian_lxc_configs() {
  local dir=$1 debs
  debs=$(mktemp -d /tmp/lxcpp-test-debs-XXXXXX)
  mkdir -p "$dir"
  if ! (cd "$debs" && apt-get download liblxc-common lxc-templates >/dev/null 2>&1); then
    rm -rf "$debs"
    skip "apt-get download liblxc-common lxc-templates failed"
  fi
  for deb in "$debs"/*.deb; do dpkg -x "$deb" "$debs/x"; done
  cp -r "$debs/x/usr/share/lxc/config/." "$dir/"
  rm -rf "$debs"
  [ -f "$dir/debian.common.conf" ] && [ -f "$dir/debian.userns.conf" ] || skip "the packages have no debian configs"
  sed -i "s|/usr/share/lxc/config|$dir|g" "$dir"/*.conf
  chmod -R a+rX "$dir"
}

# systemd_boot LOGDIR -P LXCPATH -n NAME: lxc-start -d (log in LOGDIR/lxc.log),
# then checks that systemd is running (or degraded) within 30 s; leaves the
# state in $state. $SYSTEMD_BOOT_RUN, when set, names a command that runs
# lxc-start and lxc-attach (as another user, in another cgroup).
systemd_boot() {
  local logdir=$1 start rc=0 err run=${SYSTEMD_BOOT_RUN:-}
  shift
  start=$(date +%s)
  err=$($run "$BIN/lxc-start" "$@" -d -o "$logdir/lxc.log" -l INFO 2>&1) || rc=$?
  expect_eq "lxc-start -d" 0 "$rc"
  [ "$rc" = 0 ] || echo "$err"
  state=""
  for _ in $(seq 1 60); do
    state=$($run "$BIN/lxc-attach" "$@" -- systemctl is-system-running 2>/dev/null || true)
    case "$state" in running | degraded) break ;; esac
    sleep 0.5
  done
  if [ "$state" = running ] || [ "$state" = degraded ]; then
    pass "systemd is up in $(($(date +%s) - start)) s: $state"
  else
    fail_check "systemd is up within 30 s: [$state]"
  fi
}
