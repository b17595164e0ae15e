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

finish() {
  echo "$((checks - failures)) passed, $failures failed"
  [ "$failures" = 0 ]
}
