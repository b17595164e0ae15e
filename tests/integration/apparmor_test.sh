#!/usr/bin/env bash
# AppArmor as lxcpp drives it on a host that enforces it: the profile lxcpp
# generates for lxc.apparmor.profile = generated (Debian's default.conf) is
# written to LXCPATH/NAME/apparmor/, loaded with apparmor_parser -r before
# init starts and unloaded (-R) when the container is done; without a
# profile, LXC's lxc-container-default-cgns is made and loaded once when the
# host lacks it; "unconfined" loads nothing.
#
# This project's CI kernel has no AppArmor, so the test stands in for the
# kernel's side only, in a private mount namespace: /sys/module/apparmor
# says enabled, /sys/kernel/security/apparmor is a tmpfs with the feature
# files of a stacking kernel and a "profiles" list, and apparmor_parser is a
# wrapper that compiles each profile with the real apparmor_parser -Q (the
# profile's text is checked for real) and records it as loaded. What cannot
# be shown without the kernel: init's exec into the profile. There the start
# fails (the kernel refuses the label), which also shows that a failed start
# unloads the profile and removes its namespace.
. "$(dirname "$0")/lib.sh"
need_root
[ -x /bin/busybox ] || skip "busybox-static is not installed"
real_parser=$(command -v apparmor_parser || true)
[ -n "$real_parser" ] || real_parser=/usr/sbin/apparmor_parser
[ -x "$real_parser" ] || skip "apparmor_parser is not installed (apt install apparmor)"
if [ -e /sys/module/apparmor/parameters/enabled ]; then
  skip "this kernel has AppArmor: the stand-in would hide it (run the Debian boot tests instead)"
fi
if [ "${LXCPP_AA_NS:-}" != 1 ]; then
  LXCPP_AA_NS=1 exec unshare -m --propagation private bash "$0" "$@"
fi

lp=$(mktemp -d /tmp/lxcpp-test-aa-XXXXXX)
name=lxcpp-test-aa-$$
L=(-P "$lp" -n "$name")
trap 'remove_lxcpath "$lp"' EXIT

# The kernel's side.
sfs=/sys/kernel/security/apparmor
mount -t tmpfs aa-sys-module /sys/module
mkdir -p /sys/module/apparmor/parameters
echo Y >/sys/module/apparmor/parameters/enabled
mount -t tmpfs aa-securityfs /sys/kernel/security
mkdir -p "$sfs/features/mount" "$sfs/features/domain" "$sfs/policy/namespaces"
echo "yes" >"$sfs/features/mount/mask"
echo "yes" >"$sfs/features/domain/stack"
echo "1.2" >"$sfs/features/domain/version"
: >"$sfs/profiles"
mkdir -p /var/cache/lxc
mount -t tmpfs aa-cache /var/cache/lxc
mkdir -p "$lp/bin"
export AA_LOG=$lp/parser.log AA_SFS=$sfs AA_REAL=$real_parser
cat >"$lp/bin/apparmor_parser" <<'EOF'
#!/bin/sh
# Stand-in for loading: the real parser compiles, the list records.
echo "$*" >>"$AA_LOG"
[ "$1" = --version ] && exec "$AA_REAL" --version
for file; do :; done
name=$(sed -n 's/^profile "\(.*\)" flags=.*/\1/p' "$file")
case $1 in
  -r) "$AA_REAL" -Q -K -- "$file" >/dev/null || exit 1
      grep -qxF "$name (enforce)" "$AA_SFS/profiles" || echo "$name (enforce)" >>"$AA_SFS/profiles" ;;
  -R) grep -qxF "$name (enforce)" "$AA_SFS/profiles" || { echo "$name: not loaded" >&2; exit 1; }
      grep -vxF "$name (enforce)" "$AA_SFS/profiles" >"$AA_LOG.tmp" || true
      cat "$AA_LOG.tmp" >"$AA_SFS/profiles" ;;
esac
EOF
chmod +x "$lp/bin/apparmor_parser"
export PATH=$lp/bin:$PATH

# start_fails: lxc-start -F with a fresh parser log; sets rc and out.
start_fails() {
  : >"$AA_LOG"
  rc=0
  out=$("$BIN/lxc-start" "${L[@]}" -F -- /bin/true 2>&1) || rc=$?
}
# parser_calls: what apparmor_parser was asked since, one call per |.
parser_calls() { paste -sd'|' "$AA_LOG"; }

expect_rc "lxc-create -t busybox" 0 "$BIN/lxc-create" "${L[@]}" -t busybox
cfg=$lp/$name/config
cp "$cfg" "$lp/config.orig"
profile="lxc-${name}_<$lp>"
ns="lxc-${name}_<${lp//\//-}>"
file="$lp/$name/apparmor/$ns"

# generated: written, loaded in the container's namespace, unloaded after.
echo "lxc.apparmor.profile = generated" >>"$cfg"
start_fails
expect_eq "generated: the start fails where the kernel has no AppArmor to exec into" 1 "$rc"
expect_contains "at init's label, stacked with the container's namespace" "exec $profile//&:$ns:" "$out"
expect_eq "apparmor_parser loaded it, then unloaded it" \
  "--version|-r -W -L /var/cache/lxc/apparmor -- $file|-R -- $file" "$(parser_calls)"
expect_eq "the profile file is the container's, mode 0600" "600" "$(stat -c %a "$file")"
expect_contains "named as LXC names it" "profile \"$profile\" flags=(attach_disconnected,mediate_deleted) {" "$(cat "$file")"
expect_contains "nested managers may load profiles into its namespace only" "deny /sys/kernel/security/[^a]*" "$(cat "$file")"
expect_eq "no profile left loaded" "" "$(cat "$sfs/profiles")"
expect_eq "its AppArmor namespace is gone" "" "$(ls "$sfs/policy/namespaces")"
expect_contains "the container is STOPPED" STOPPED "$("$BIN/lxc-info" "${L[@]}" -s)"

# lxc.apparmor.raw goes into the profile; a line the parser refuses stops the start.
echo "lxc.apparmor.raw = mount fstype=nfs" >>"$cfg"
start_fails
expect_eq "a bad lxc.apparmor.raw line: the start fails" 1 "$rc"
expect_contains "naming the key" "lxc.apparmor.profile = generated" "$out"
expect_contains "and the parser's complaint" "apparmor_parser -r $file" "$out"
expect_contains "the line is in the profile" "  mount fstype=nfs" "$(cat "$file")"
expect_eq "nothing was unloaded that was not loaded" "--version|-r -W -L /var/cache/lxc/apparmor -- $file" \
  "$(parser_calls)"
expect_eq "its AppArmor namespace is gone" "" "$(ls "$sfs/policy/namespaces")"

# No profile: LXC's default, made and loaded once when the host lacks it.
cp "$lp/config.orig" "$cfg"
start_fails
expect_eq "default profile: the start fails at the exec" 1 "$rc"
expect_contains "into lxc-container-default-cgns" "exec lxc-container-default-cgns" "$out"
expect_eq "loaded from lxcpp's copy" \
  "--version|-r -W -L /var/cache/lxc/apparmor -- /var/cache/lxc/apparmor/profiles/lxc-container-default-cgns" \
  "$(parser_calls)"
expect_eq "and left loaded for the next container" "lxc-container-default-cgns (enforce)" "$(cat "$sfs/profiles")"
start_fails
expect_eq "a second start loads nothing (and runs no parser)" "" "$(parser_calls)"

# unconfined: nothing loaded, the container runs.
echo "lxc.apparmor.profile = unconfined" >>"$cfg"
: >"$AA_LOG"
expect_eq "unconfined: lxc-execute runs" "ok" "$("$BIN/lxc-execute" "${L[@]}" -- echo ok 2>&1)"
expect_eq "without the parser" "" "$(cat "$AA_LOG")"

# A kernel whose AppArmor cannot mediate mounts: refused unless allowed.
rm "$sfs/features/mount/mask"
cp "$lp/config.orig" "$cfg"
echo "lxc.apparmor.profile = generated" >>"$cfg"
start_fails
expect_eq "no mount mediation: refused" 1 "$rc"
expect_contains "saying what to set" "lxc.apparmor.allow_incomplete = 1" "$out"
expect_eq "nothing in its namespace directory" "" "$(ls "$sfs/policy/namespaces")"

expect_nothing_left "$name" "$lp"
finish
