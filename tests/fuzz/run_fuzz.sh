#!/usr/bin/env bash
# Builds the config parser fuzzer (clang, libFuzzer, ASan, UBSan) in a build
# directory of its own and runs it for a bounded time.
#
#   tests/fuzz/run_fuzz.sh [SECONDS]      default 60
#
# Exits 0 when the run ends without a finding, non-zero on a crash, a leak, a
# timeout or a broken build. Findings (crash-*, leak-*, timeout-*) and the
# fuzzer's log are kept in $LXCPP_FUZZ_BUILD/findings. The seed corpus in
# tests/fuzz/corpus is only read; new inputs go to $LXCPP_FUZZ_BUILD/corpus.
set -euo pipefail
seconds=${1:-60}
top=$(cd "$(dirname "$0")/../.." && pwd)
build=${LXCPP_FUZZ_BUILD:-$top/build-fuzz}
case $build in /*) ;; *) build=$PWD/$build ;; esac
cxx=${CXX_FUZZ:-clang++}

if ! command -v "$cxx" >/dev/null; then
  echo "run_fuzz: $cxx not found (install clang and libclang-rt-dev)" >&2
  exit 1
fi

mkdir -p "$build"
cmake -S "$top" -B "$build" -DCMAKE_CXX_COMPILER="$cxx" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DLXCPP_FUZZ=ON -DLXCPP_TESTS=OFF >"$build/configure.log" 2>&1 || {
  cat "$build/configure.log" >&2
  echo "run_fuzz: cmake failed" >&2
  exit 1
}
cmake --build "$build" --target config_fuzz -j"$(nproc)" >"$build/build.log" 2>&1 || {
  tail -n 40 "$build/build.log" >&2
  echo "run_fuzz: build failed" >&2
  exit 1
}
fuzzer=$build/tests/fuzz/config_fuzz

findings=$build/findings
mkdir -p "$build/corpus" "$findings"
log=$findings/fuzz.log
echo "run_fuzz: running config_fuzz for ${seconds}s (log: $log)"
rc=0
# From the findings directory, so that a relative lxc.include in an input finds
# nothing of the checkout. -rss_limit_mb: a single input must not need more
# than this; -timeout: nor take longer than this many seconds.
cd "$findings"
"$fuzzer" "$build/corpus" "$top/tests/fuzz/corpus" \
  -dict="$top/tests/fuzz/config.dict" \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=8192 \
  -artifact_prefix="$findings/" -print_final_stats=1 >"$log" 2>&1 || rc=$?
grep -E '^(#[0-9]+ +DONE|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)' "$log" || true
if [ "$rc" != 0 ]; then
  echo "run_fuzz: config_fuzz failed (exit $rc); last lines of $log:" >&2
  tail -n 60 "$log" >&2
  ls -l "$findings" >&2
  exit "$rc"
fi
echo "run_fuzz: no findings"
