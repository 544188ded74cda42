#!/usr/bin/env bash
# Long fuzzing runs: builds the clang ASan + UBSan + libFuzzer build (tests/fuzz/) if needed, then
# runs each fuzz target in turn, niced, for RUNS executions, with the arguments of its ctest test
# (BUILD/tests/fuzz/TARGET.args: a corpus directory in the build tree, the seed fixtures, limits).
# Prints executions, seconds and executions/s per target; exits 1 if any target found a crash,
# whose reproducer is in BUILD/tests/fuzz/artifacts/TARGET/ and whose report in TARGET.log there.
#
# Usage: bash bench/fuzz.sh [--build DIR] [--runs N] [TARGET...]
#        (defaults: build-fuzz, 1000000, every target; after tools/setup.sh)
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=build-fuzz
RUNS=1000000
TARGETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD="$2"; shift 2 ;;
    --runs) RUNS="$2"; shift 2 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
if [ ${#TARGETS[@]} -eq 0 ]; then
  TARGETS=(onnx_model_fuzzer tokenizer_json_fuzzer sentencepiece_model_fuzzer pair_file_fuzzer safetensors_fuzzer)
fi

if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  nice -n 10 cmake -S . -B "$BUILD" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
    -DXENC_SANITIZE=ON -DXENC_FUZZ=ON
fi
nice -n 10 cmake --build "$BUILD" -j"$(nproc)" --target "${TARGETS[@]}"

FUZZ_DIR="$BUILD/tests/fuzz"
crashed=0
printf '%-28s %12s %9s %9s  %s\n' target executions seconds exec/s result
for target in "${TARGETS[@]}"; do
  mapfile -t args < "$FUZZ_DIR/$target.args"
  log="$FUZZ_DIR/$target.log"
  echo "$FUZZ_DIR/$target ${args[*]} -runs=$RUNS" > "$log"
  start=$(date +%s)
  result=ok
  nice -n 10 "$FUZZ_DIR/$target" "${args[@]}" -runs="$RUNS" >> "$log" 2>&1 || result="CRASH (see $log)"
  seconds=$(($(date +%s) - start))
  # libFuzzer's final statistics (-print_final_stats=1).
  executions=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  per_second=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  printf '%-28s %12s %9s %9s  %s\n' "$target" "${executions:-?}" "$seconds" "${per_second:-?}" "$result"
  if [ "$result" != ok ]; then
    crashed=1
    grep -E '^(==[0-9]+==ERROR|SUMMARY|artifact_prefix|Test unit written)' "$log" | sed 's/^/    /' || true
  fi
done
exit $crashed
