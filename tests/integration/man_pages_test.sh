#!/usr/bin/env bash
# The section 5 pages in docs/man: every key of the container key registry
# is described in lxc.container.conf(5), every system key in
# lxc.system.conf(5), and every page renders without a groff warning.
#
# lxc-config -l lists the system keys, but no tool lists the container keys,
# so they are read from the registry's source: the name is the first string
# of each row of kKeys (src/config/keys.cc) and kNetKeys
# (src/config/keys_net.cc). Rows start with {"name" or xxx_key<...>("name";
# the lines that continue a row start otherwise and are skipped.
. "$(dirname "$0")/lib.sh"

src=${LXCPP_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
man_dir=$src/docs/man
command -v groff >/dev/null || skip "groff is not installed"

pages="lxc.conf.5 lxc.container.conf.5 lxc.system.conf.5 lxc-usernet.5"
for page in $pages; do
  expect_eq "$page exists" yes "$([ -f "$man_dir/$page" ] && echo yes || echo no)"
done

# Each page as plain text: no hyphenation (the pages say .nh), no bold or
# underline, and lines long enough that no key name is split.
render() { groff -man -Tascii -P-cbou -rLL=300n "$man_dir/$1" 2>/dev/null; }

# documented TEXT KEY: KEY occurs in TEXT as a whole name, i.e. not as a
# part of a longer key ("lxc.cgroup" in "lxc.cgroup.dir" does not count).
documented() {
  local re=${2//./\\.}
  grep -qP "(?<![A-Za-z0-9_.-])${re}(?![A-Za-z0-9_-]|\\.[A-Za-z0-9_])" <<<"$1"
}

# table_names FILE FIRST-LINE: the name of each row of the table.
table_names() {
  sed -n "/^$2/,/^};/p" "$1" | grep -E '^\s*(\{"|[a-z_]+_key<[^(]*\(")' | sed -E 's/^[^"]*"([^"]*)".*/\1/'
}

# ---- lxc.container.conf(5) --------------------------------------------------
container_keys=$(table_names "$src/src/config/keys.cc" 'constexpr KeySpec kKeys\[\] = {')
net_keys=$(table_names "$src/src/config/keys_net.cc" 'constexpr NetKeySpec kNetKeys\[\] = {')
# The registry has about 90 rows and 26 net keys: far fewer means the
# extraction above no longer matches the source.
expect_eq "container keys read from keys.cc (at least 80)" yes "$([ "$(wc -l <<<"$container_keys")" -ge 80 ] && echo yes || echo no)"
expect_eq "net keys read from keys_net.cc (at least 25)" yes "$([ "$(wc -l <<<"$net_keys")" -ge 25 ] && echo yes || echo no)"
expect_contains "lxc.uts.name among the container keys" lxc.uts.name "$container_keys"
expect_contains "ipv4.address among the net keys" ipv4.address "$net_keys"

text=$(render lxc.container.conf.5)
missing=""
for key in $container_keys; do
  if [[ $key == *. ]]; then
    # A prefix row (lxc.cgroup2., lxc.net., ...) is written with a
    # placeholder in capitals: lxc.cgroup2.FILE, lxc.net.N.
    grep -qF -- "$key" <<<"$text" && grep -qP "(?<![A-Za-z0-9_.-])${key//./\\.}[A-Z]" <<<"$text" || missing+=" $key"
  else
    documented "$text" "$key" || missing+=" $key"
  fi
done
expect_eq "every container key is in lxc.container.conf(5)" "" "$missing"

missing=""
for sub in $net_keys; do
  documented "$text" "lxc.net.N.$sub" || missing+=" lxc.net.N.$sub"
done
expect_eq "every lxc.net.N key is in lxc.container.conf(5)" "" "$missing"

# The legacy names lxc-update-config converts are listed too.
legacy=$(sed -n '/kRenames\[\] = {/,/^};/p' "$src/src/config/legacy.cc" | grep -oE '\{"lxc[^"]*"' | tr -d '{"')
expect_contains "legacy keys read from legacy.cc" lxc.utsname "$legacy"
missing=""
for key in $legacy lxc.network lxc.limit.NAME; do
  documented "$text" "$key" || missing+=" $key"
done
expect_eq "every legacy key is named in lxc.container.conf(5)" "" "$missing"

# ---- lxc.system.conf(5) -----------------------------------------------------
system_keys=$("$BIN/lxc-config" -l)
expect_contains "lxc-config -l lists lxc.lxcpath" lxc.lxcpath "$system_keys"
text=$(render lxc.system.conf.5)
missing=""
for key in $system_keys; do
  documented "$text" "$key" || missing+=" $key"
done
expect_eq "every lxc-config -l key is in lxc.system.conf(5)" "" "$missing"

# ---- rendering ----------------------------------------------------------------
for page in $pages; do
  [ -f "$man_dir/$page" ] || continue
  expect_eq "$page: no groff warnings" "" "$(groff -man -Tutf8 -ww -z "$man_dir/$page" 2>&1)"
  expect_contains "$page: has a NAME section" "NAME" "$(render "$page")"
  if command -v man >/dev/null; then
    expect_contains "$page: man -l shows it" "${page%.5}" "$(MANWIDTH=80 man -l "$man_dir/$page" 2>&1 | head -5)"
  fi
done

finish
