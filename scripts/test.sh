#!/usr/bin/env bash
# Installs dependencies, builds lxcpp and runs the whole test suite: unit
# tests, CLI tests (as root: real kernel objects), a bounded fuzz run, and a
# check that nothing was left behind.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/scripts/deps.sh"
bash "$top/scripts/build.sh"
cd "$top/build"
status=0
log=$(mktemp)
ctest --output-on-failure -j"$(nproc)" 2>&1 | tee "$log" || true
summary=$(grep -E '^[0-9]+% tests passed, [0-9]+ tests failed out of [0-9]+' "$log" | tail -n 1)
total=$(sed -E 's/.* out of ([0-9]+).*/\1/' <<<"$summary")
failed=$(sed -E 's/.*passed, ([0-9]+) tests failed.*/\1/' <<<"$summary")
skipped=$(grep -c '(Skipped)' "$log" || true)
rm -f "$log"
if [ -z "$summary" ]; then echo "ctest printed no summary"; exit 1; fi
[ "$failed" = 0 ] || status=1
if [ -x "$top/tests/fuzz/run_fuzz.sh" ] || [ -f "$top/tests/fuzz/run_fuzz.sh" ]; then
  bash "$top/tests/fuzz/run_fuzz.sh" "${FUZZ_SECONDS:-60}" || status=$?
fi
bash "$top/tests/check_leaks.sh" || status=1
echo "tests: $((total - failed - skipped)) passed, $failed failed, $skipped skipped"
exit $status
