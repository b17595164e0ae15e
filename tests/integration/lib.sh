# Shared helpers for the CLI tests. Source it; it sets $BIN and checks that
# the lxc-* commands there are lxcpp's, never the reference LXC's.
set -euo pipefail
BIN=${LXCPP_BIN:?LXCPP_BIN must point at the build directory}
failures=0
checks=0

if ! "$BIN/lxc-config" --version 2>/dev/null | grep -q '^lxcpp '; then
  echo "FATAL: $BIN/lxc-config is not lxcpp's"
  exit 1
fi

skip() { echo "SKIP: $*"; exit 77; }
need_root() { [ "$(id -u)" = 0 ] || skip "needs root"; }

pass() { checks=$((checks + 1)); echo "ok   $*"; }
fail_check() { checks=$((checks + 1)); failures=$((failures + 1)); echo "FAIL $*"; }

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
  if [ "$2" == "$3" ]; then pass "$1"; else fail_check "$1: expected [$2], got [$3]"; fi
}
# expect_contains DESCRIPTION NEEDLE HAYSTACK
expect_contains() {
  if grep -qF -- "$2" <<<"$3"; then pass "$1"; else fail_check "$1: [$2] not in [$3]"; fi
}
# expect_rc DESCRIPTION EXPECTED_RC COMMAND...
expect_rc() {
  local desc=$1 want=$2 rc=0
  shift 2
  "$@" >/dev/null 2>&1 || rc=$?
  expect_eq "$desc (exit status)" "$want" "$rc"
}

# add_subid_user USER BASE HOME: a test user (home HOME, not made) with the
# subordinate uid and gid ranges BASE..BASE+65535.
add_subid_user() {
  local user=$1 base=$2 home=$3
  useradd -M -N -d "$home" -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$user"
  usermod --add-subuids "$base-$((base + 65535))" --add-subgids "$base-$((base + 65535))" "$user"
}
# remove_subid_user USER: its processes killed, then the user and its ranges
# gone. An exited daemon waits as a zombie until this host's PID 1 reaps it;
# its uid is the next test user's once userdel frees it.
remove_subid_user() {
  local user=$1
  pkill -KILL -u "$user" 2>/dev/null || true
  for _ in $(seq 100); do [ -z "$(ps -u "$user" -o pid= 2>/dev/null)" ] && break; sleep 0.1; done
  userdel "$user" >/dev/null 2>&1 || true
  sed -i "/^$user:/d" /etc/subuid /etc/subgid 2>/dev/null || true
}

# Stops (-k) and destroys every container of an lxcpath, then removes it:
# the EXIT trap of each test, so that nothing stays behind on failure.
remove_lxcpath() {
  local lxcpath=$1 c
  for c in $(ls "$lxcpath" 2>/dev/null); do
    [ -f "$lxcpath/$c/config" ] || continue
    "$BIN/lxc-stop" -P "$lxcpath" -n "$c" -k >/dev/null 2>&1 || true
    "$BIN/lxc-destroy" -P "$lxcpath" -n "$c" -f >/dev/null 2>&1 || true
  done
  rm -rf "$lxcpath"
}

# expect_nothing_left NAME LXCPATH: no cgroup, mount or monitor of the
# container remains. The monitor reports STOPPED before it removes its own
# cgroup and exits, so wait for it first.
expect_nothing_left() {
  local name=$1 lxcpath=$2
  for _ in $(seq 1 50); do
    pgrep -f "lxc-.*$name" >/dev/null || break
    sleep 0.1
  done
  # The container's own cgroups: NAME, lxc.payload.NAME, lxc.monitor.NAME
  # (with -N when a name was taken), not every directory with NAME in it: the
  # host makes cgroups with hex names that "a1" can be part of.
  local re
  re=$(printf '%s' "$name" | sed 's/[][\.*^$+?(){}|/]/\\&/g')
  expect_eq "no cgroups left" "" "$(find /sys/fs/cgroup -maxdepth 3 -regextype posix-extended \
    -regex ".*/(lxc\.(payload|monitor)\.)?$re(-[0-9]+)?" 2>/dev/null)"
  expect_eq "no mounts left" "" "$(grep "$lxcpath" /proc/self/mountinfo || true)"
  expect_eq "no monitor left" "" "$(pgrep -f "lxc-start.*$name" || true)"
}

# install_snippets DIR: lxcpp's copies of LXC's config snippets and hooks
# (the config-snippets install component, from the build tree) installed
# under DIR with DESTDIR, and the absolute paths in them rewritten into DIR,
# so that they include and name nothing outside it. Prints the directory with
# config/ and hooks/ in it (DIR/usr/local/share/lxc for the default prefix).
install_snippets() {
  local dest=$1 found share orig
  command -v cmake >/dev/null || { echo "install_snippets: no cmake" >&2; return 1; }
  DESTDIR=$dest cmake --install "$BIN" --component config-snippets >/dev/null || return 1
  found=$(find "$dest" -path '*/lxc/config/common.conf' | head -n 1)
  [ -n "$found" ] || { echo "install_snippets: no common.conf installed under $dest" >&2; return 1; }
  share=${found%/config/common.conf}
  orig=${share#"$dest"}
  grep -rlZ -- "$orig/" "$share" | xargs -0 -r sed -i "s#$orig/#$share/#g"
  echo "$share"
}

finish() {
  echo "$((checks - failures)) passed, $failures failed"
  [ "$failures" = 0 ]
}

# wait_pane TARGET PATTERN: until the tmux pane TARGET of the server "${T[@]}"
# (e.g. T=(tmux -S SOCKET)) shows PATTERN, 10 s at most.
wait_pane() {
  for _ in $(seq 100); do
    "${T[@]}" capture-pane -p -t "$1" 2>/dev/null | grep -q -- "$2" && return 0
    sleep 0.1
  done
  return 1
}

# shift_rootfs ROOTFS OFFSET: every file's uid and gid moved up by OFFSET,
# for a root-made unprivileged container (lxc.idmap u/g 0 OFFSET ...);
# chown clears setuid bits, so the modes are put back.
shift_rootfs() {
  local f uid gid mode
  find "$1" -xdev -print0 | while IFS= read -r -d '' f; do
    uid=$(stat -c %u "$f") gid=$(stat -c %g "$f") mode=$(stat -c %a "$f")
    chown -h "$((uid + $2)):$((gid + $2))" "$f"
    [ -L "$f" ] || chmod "$mode" "$f"
  done
}
