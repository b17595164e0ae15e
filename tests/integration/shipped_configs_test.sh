#!/usr/bin/env bash
# Every configuration file that Debian's lxc packages ship (lxc, liblxc-common,
# lxc-templates) loads through its include chain, lxcpp's own copies of the
# snippets in usr/share/lxc/config (config/share/lxc) mean the same, file by
# file, and the key list of tests/data/lxc.container.conf.keys covers the
# shipped lxc.container.conf(5).
#
# The packages are fetched with apt-get download and only their configuration
# files, doc examples and man page are unpacked into a temporary directory:
# nothing is installed, and no program from them is ever on disk, so no test
# can run the reference LXC by mistake. Their absolute /usr/share/lxc paths are
# rewritten into that directory; the assertions live in the unit tests
# ShippedConfigs.* (tests/unit/shipped_configs_test.cc), run with
# LXCPP_SHIPPED_ROOT set.
. "$(dirname "$0")/lib.sh"

data=${LXCPP_TEST_DATA:?LXCPP_TEST_DATA must point at tests/data}
unit=$BIN/tests/lxc_unit_tests
[ -x "$unit" ] || skip "no unit test binary at $unit"
command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null || skip "needs apt-get and dpkg-deb"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
chmod 755 "$tmp"  # apt-get download as root hands the download to the _apt user
cd "$tmp"
if ! apt-get download lxc liblxc-common lxc-templates >"$tmp/download.log" 2>&1; then
  skip "apt-get download lxc liblxc-common lxc-templates failed: $(tail -n 1 "$tmp/download.log")"
fi

root=$tmp/root
mkdir -p "$root"
for deb in "$tmp"/*.deb; do
  dpkg-deb --fsys-tarfile "$deb" |
    tar -x -C "$root" --wildcards \
      './usr/share/lxc/config/*' './etc/lxc/*' './usr/share/doc/lxc/examples/*' \
      './usr/share/man/man5/lxc.container.conf.5.gz' 2>/dev/null || true
done
[ -f "$root/usr/share/lxc/config/common.conf" ] || skip "common.conf not in the downloaded packages"
if find "$root" -type f -perm /111 | grep -q .; then
  fail_check "only data files were unpacked: $(find "$root" -type f -perm /111 | head -n 3)"
fi

# Make the include chain resolve inside the temporary tree.
grep -rlZ '/usr/share/lxc' "$root/usr/share/lxc/config" "$root/etc/lxc" "$root/usr/share/doc/lxc/examples" |
  xargs -0 -r sed -i "s#/usr/share/lxc#$root/usr/share/lxc#g"
if grep -rqE '(^|[^/a-zA-Z0-9_.-])/usr/share/lxc' "$root/usr/share/lxc/config" "$root/etc/lxc"; then
  fail_check "every /usr/share/lxc path was rewritten"
else
  pass "every /usr/share/lxc path was rewritten"
fi
nconf=$(find "$root/usr/share/lxc/config" -maxdepth 1 -name '*.conf' | wc -l)
expect_eq "shipped usr/share/lxc/config/*.conf" 1 "$([ "$nconf" -ge 40 ] && echo 1 || echo "$nconf")"

# lxcpp's own set, as cmake --install puts it (into $tmp/lxcpp, never /usr),
# for ShippedConfigs.LxcppSnippetsMeanTheSameAsLxcs.
own=$(install_snippets "$tmp/lxcpp") || { fail_check "install lxcpp's config snippets"; finish; exit 1; }
if grep -rqE '(^|[^/a-zA-Z0-9_.-])/usr/(local/)?share/lxc/' "$own/config"; then
  fail_check "every path in lxcpp's snippets was rewritten"
else
  pass "every path in lxcpp's snippets was rewritten"
fi

out=$(LXCPP_SHIPPED_ROOT=$root LXCPP_OWN_SNIPPETS=$own "$unit" --gtest_filter='ShippedConfigs.*' 2>&1) && rc=0 || rc=$?
if [ "$rc" = 0 ]; then
  echo "$out" | grep -E '^\[ +(OK|FAILED|SKIPPED) +\]'
else
  echo "$out" | grep -vE '^\[ +(RUN|OK) +\]' | head -n 200  # the failures whole: the file, the diff
fi
expect_eq "ShippedConfigs.* pass" 0 "$rc"
if grep -q '\[  SKIPPED \]' <<<"$out"; then fail_check "ShippedConfigs.* ran (none skipped)"; else pass "ShippedConfigs.* ran"; fi
expect_contains "ShippedConfigs.* ran 7 tests" "7 tests from ShippedConfigs" "$out"

# Every key the man page names is in the key list the registry test uses
# (placeholders such as lxc.net.[i].type are listed as lxc.net.0.type).
man=$root/usr/share/man/man5/lxc.container.conf.5.gz
if [ -f "$man" ]; then
  keys=$(grep -v '^#' "$data/lxc.container.conf.keys" | grep .)
  missing=
  while read -r k; do
    case $k in
      lxc | lxc.conf | lxc.container.conf | lxc.te | lxc.console.buffer.logfile) continue ;;  # see the keys file
      *'['i']'*) k=${k//\[i\]/0} ;;
      *'['*) k=${k%%\[*} ;;  # lxc.cgroup.[controller name]...: some key with this prefix
    esac
    if [[ $k == *. ]]; then
      grep -q "^${k//./\\.}" <<<"$keys" || missing+=" $k*"
    else
      grep -qx -- "$k" <<<"$keys" || missing+=" $k"
    fi
  done < <(zcat "$man" | sed 's/\\-/-/g; s/\\f[BRI]//g' | grep -oE 'lxc\.[][a-zA-Z0-9_.-]*' | sed 's/\.$//' |
    grep -v '^lxc\.net\.[12]\.' | sort -u)
  expect_eq "man page keys missing from lxc.container.conf.keys" "" "$missing"
else
  echo "note: no lxc.container.conf.5.gz in the packages; key list not compared"
fi

finish
