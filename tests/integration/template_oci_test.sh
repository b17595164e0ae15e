#!/usr/bin/env bash
# LXC's lxc-oci template (from Debian's liblxc-common: apt-get download, only
# that script unpacked, LXC never installed) run by lxcpp's lxc-create on an
# OCI image the test makes itself with umoci from busybox-static (no
# registry, no network): skopeo copies it, umoci unpacks it, the template
# writes lxc.execute.cmd, lxc.environment and lxc.init.* from the image's
# config, and lxc-execute runs the image's entry point with them (the words
# of lxc.execute.cmd in double quotes, as lxc-oci writes them; LXC splits
# them without escapes, so the command has no double quotes of its own).
. "$(dirname "$0")/lib.sh"
need_root
for tool in skopeo umoci jq; do
  command -v "$tool" >/dev/null || skip "lxc-oci needs $tool (apt-get install skopeo umoci jq)"
done
grep -q 'not a dynamic executable' <<<"$(ldd /bin/busybox 2>&1 || true)" || skip "needs a static /bin/busybox"

tmp=$(mktemp -d /tmp/lxcpp-test-oci.XXXXXX)
P=$tmp/lxc
name=lxcpp-test-oci-$$
trap 'remove_lxcpath "$P"; rm -rf "$tmp"' EXIT

(cd "$tmp" && apt-get download liblxc-common >/dev/null 2>&1) || skip "apt-get download liblxc-common failed"
dpkg-deb --fsys-tarfile "$tmp"/liblxc-common_*.deb | tar -C "$tmp" -x ./usr/share/lxc/templates/lxc-oci 2>/dev/null || true
rm -f "$tmp"/*.deb
script=$tmp/usr/share/lxc/templates/lxc-oci
[ -x "$script" ] || skip "no lxc-oci in Debian's liblxc-common"

# --- the image: busybox, /etc/passwd, an entry point with arguments, an env --
img=$tmp/layout
make_image() {
  umoci init --layout "$img" &&
    umoci new --image "$img:latest" &&
    umoci unpack --image "$img:latest" "$tmp/bundle" >/dev/null &&
    mkdir -p "$tmp/bundle/rootfs/bin" "$tmp/bundle/rootfs/etc" "$tmp/bundle/rootfs/tmp" "$tmp/bundle/rootfs/work" &&
    cp /bin/busybox "$tmp/bundle/rootfs/bin/busybox" &&
    for applet in sh cat echo hostname ls id pwd; do ln -s busybox "$tmp/bundle/rootfs/bin/$applet"; done &&
    echo 'root:x:0:0:root:/root:/bin/sh' >"$tmp/bundle/rootfs/etc/passwd" &&
    echo 'root:x:0:' >"$tmp/bundle/rootfs/etc/group" &&
    umoci repack --image "$img:latest" "$tmp/bundle" &&
    umoci config --image "$img:latest" --config.entrypoint /bin/sh --config.cmd -c \
      --config.cmd 'echo oci: FOO=$FOO host=$(hostname) cwd=$(pwd); exit 7' \
      --config.env FOO=bar --config.workingdir /work
}
make_image >"$tmp/umoci.log" 2>&1 || { cat "$tmp/umoci.log"; fail_check "make the OCI image with umoci"; finish; exit 1; }

# --- lxc-create -t lxc-oci -----------------------------------------------------
out=$("$BIN/lxc-create" -P "$P" -n "$name" -t "$script" -- --url "oci:$img:latest" 2>&1) && rc=0 || rc=$?
expect_eq "lxc-create -t lxc-oci (exit status)" 0 "$rc"
[ "$rc" = 0 ] || echo "$out"
cfg=$P/$name/config
conf=$(cat "$cfg" 2>/dev/null)
expect_eq "header names the script" "# Template used to create this container: $script" "$(sed -n 1p "$cfg")"
expect_contains "the entry point became lxc.execute.cmd" 'lxc.execute.cmd = ' "$conf"
expect_contains "... with its arguments" '"/bin/sh"' "$(grep '^lxc.execute.cmd' "$cfg")"
expect_contains "the image's env" "lxc.environment = FOO=bar" "$conf"
expect_contains "the image's working dir" "lxc.init.cwd = /work" "$conf"
expect_contains "the image's user" "lxc.init.uid = 0" "$conf"
expect_eq "rootfs.path once" 1 "$(grep -c '^lxc.rootfs.path' "$cfg")"
expect_eq "the rootfs is the image's" yes "$([ -x "$P/$name/rootfs/bin/busybox" ] && echo yes)"
expect_eq "the template wrote etc/hostname" "$name" "$(cat "$P/$name/rootfs/etc/hostname" 2>/dev/null)"

# --- lxc-execute runs the entry point with the image's env and cwd -------------
out=$("$BIN/lxc-execute" -P "$P" -n "$name" 2>&1) && rc=0 || rc=$?
expect_eq "lxc-execute: the entry point's exit status" 7 "$rc"
expect_contains "lxc-execute: env, hostname and cwd from the image" "oci: FOO=bar host=$name cwd=/work" "$out"
out=$("$BIN/lxc-execute" -P "$P" -n "$name" -- /bin/sh -c 'echo "uid=$(id -u) FOO=$FOO"' 2>&1) && rc=0 || rc=$?
expect_eq "lxc-execute -- COMMAND (exit status)" 0 "$rc"
expect_contains "lxc-execute -- COMMAND runs instead" "uid=0 FOO=bar" "$out"

# --- lxc-start: an image with no /sbin/init fails as LXC's does -----------------
out=$("$BIN/lxc-start" -P "$P" -n "$name" -F 2>&1) && rc=0 || rc=$?
expect_eq "lxc-start without lxc.init.cmd: no /sbin/init (exit status)" 1 "$rc"
expect_contains "... and says so" "/sbin/init" "$out"

expect_rc "lxc-destroy" 0 "$BIN/lxc-destroy" -P "$P" -n "$name"
expect_eq "nothing left of the container" no "$([ -e "$P/$name" ] && echo yes || echo no)"
expect_nothing_left "$name" "$P"
finish
