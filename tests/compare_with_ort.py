#!/usr/bin/env python3
"""Runs one model directory's ONNX file in ONNX Runtime and in xenc on the
test data sets of a fixture and compares the outputs; written for the
directories `xenc quantize` writes (tests/CMakeLists.txt, quantize.*).

Usage
    compare_with_ort.py XENC MODEL_DIR FIXTURE_DIR --atol A
        onnx.checker.check_model(full_check=True) on MODEL_DIR/onnx/model.onnx;
        then for every FIXTURE_DIR/test_data_set_<k> (input_<i>.pb, output_0.pb):
        ONNX Runtime (CPU, 1 thread) with its graph optimizations off (the
        graph's own ops) and at ORT_ENABLE_ALL (its fusions, e.g.
        DynamicQuantizeLinear + MatMulInteger into DynamicQuantizeMatMul or
        MatMulIntegerToFloat), and `xenc run MODEL --inputs SET --outputs TMP`.
Prints, per data set, max |xenc - ORT| for both ORT levels and, for scale,
max |xenc - output_0.pb| (the fixture's float reference: the quantization
error). Exit status 1 when an xenc-vs-ORT difference exceeds atol.
"""

import argparse
import glob
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnx.numpy_helper
import onnxruntime as ort


def read_tensor(path):
    proto = onnx.TensorProto()
    with open(path, "rb") as f:
        proto.ParseFromString(f.read())
    return proto.name, onnx.numpy_helper.to_array(proto)


def ort_session(model, level):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.graph_optimization_level = level
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("xenc")
    parser.add_argument("model_dir")
    parser.add_argument("fixture")
    parser.add_argument("--atol", type=float, required=True)
    args = parser.parse_args()

    model = os.path.join(args.model_dir, "onnx", "model.onnx")
    onnx.checker.check_model(model, full_check=True)
    print(f"{model}: onnx.checker full_check passed (onnx {onnx.__version__}, onnxruntime {ort.__version__})")
    sessions = {
        "ORT (no optimizations)": ort_session(model, ort.GraphOptimizationLevel.ORT_DISABLE_ALL),
        "ORT (ORT_ENABLE_ALL)": ort_session(model, ort.GraphOptimizationLevel.ORT_ENABLE_ALL),
    }
    sets = sorted(glob.glob(os.path.join(args.fixture, "test_data_set_*")))
    assert sets, f"no test_data_set_* in {args.fixture}"
    worst = 0.0
    with tempfile.TemporaryDirectory(prefix="xenc_compare_") as work:
        for data_set in sets:
            feeds = dict(read_tensor(p) for p in sorted(glob.glob(os.path.join(data_set, "input_*.pb"))))
            _, reference = read_tensor(os.path.join(data_set, "output_0.pb"))
            out_dir = os.path.join(work, os.path.basename(data_set))
            subprocess.run([args.xenc, "run", model, "--inputs", data_set, "--outputs", out_dir], check=True,
                           capture_output=True, text=True)
            _, got = read_tensor(os.path.join(out_dir, "output_0.pb"))
            line = [os.path.basename(data_set) + ":"]
            for name, session in sessions.items():
                (expected,) = session.run([session.get_outputs()[0].name], feeds)
                assert got.shape == expected.shape, (got.shape, expected.shape)
                diff = float(np.max(np.abs(got - expected)))
                worst = max(worst, diff)
                line.append(f"max |xenc - {name}| = {diff:.2e};")
            line.append(f"max |xenc - float reference| = {float(np.max(np.abs(got - reference))):.2e}")
            print(" ".join(line))
    if worst > args.atol:
        print(f"FAILED: {worst:.2e} > atol {args.atol}")
        return 1
    print(f"largest difference {worst:.2e} <= atol {args.atol}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
