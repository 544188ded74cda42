#!/usr/bin/env python3
"""Checks a directory written by `xenc export --from-hf` against the checkpoint
it came from, one of the tests/fixtures/real_exports/<family>_opset17
directories (which also hold the torch.onnx export of the same weights and
ONNX Runtime's logits for it in test_data_set_<k>/).

Usage
    check_export.py onnxruntime EXPORTED_DIR FIXTURE_DIR [--atol A]
        onnx.checker.check_model(full_check=True) on EXPORTED_DIR/onnx/model.onnx,
        then ONNX Runtime on it for every FIXTURE_DIR/test_data_set_<k> against
        that set's output_0.pb.
    check_export.py score XENC EXPORTED_DIR FIXTURE_DIR PAIRS [--atol A]
        `xenc score` (scores, and raw logits with --activation none) on both
        directories agree pair for pair.
Prints the largest |difference| of each check; exit status 1 when one
exceeds atol (default 1e-4).
"""

import argparse
import glob
import os
import subprocess
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import onnxruntime as ort


def read_tensor(path):
    proto = onnx.TensorProto()
    with open(path, "rb") as f:
        proto.ParseFromString(f.read())
    return proto.name, onnx.numpy_helper.to_array(proto)


def check_onnxruntime(args):
    model = os.path.join(args.exported, "onnx", "model.onnx")
    onnx.checker.check_model(model, full_check=True)
    print(f"{model}: onnx.checker full_check passed (onnx {onnx.__version__})")
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    worst = 0.0
    sets = sorted(glob.glob(os.path.join(args.fixture, "test_data_set_*")))
    assert sets, f"no test_data_set_* in {args.fixture}"
    for data_set in sets:
        feeds = dict(read_tensor(p) for p in sorted(glob.glob(os.path.join(data_set, "input_*.pb"))))
        _, expected = read_tensor(os.path.join(data_set, "output_0.pb"))
        (logits,) = session.run(["logits"], feeds)
        diff = float(np.max(np.abs(logits - expected)))
        print(f"{os.path.basename(data_set)}: max |ORT(exported) - ORT(torch export)| = {diff:.2e}")
        worst = max(worst, diff)
    return worst


def score(xenc, model_dir, pairs, *options):
    out = subprocess.run([xenc, "score", model_dir, "--pairs", pairs, *options],
                         check=True, capture_output=True, text=True).stdout
    return np.array([[float(v) for v in line.split("\t")] for line in out.splitlines()])


def check_score(args):
    worst = 0.0
    for options in ((), ("--activation", "none")):
        exported = score(args.xenc, args.exported, args.pairs, *options)
        original = score(args.xenc, args.fixture, args.pairs, *options)
        assert exported.shape == original.shape, (exported.shape, original.shape)
        diff = float(np.max(np.abs(exported - original)))
        what = "logits" if options else "scores"
        print(f"{len(exported)} pairs: max |xenc score (exported) - xenc score (torch export)| = {diff:.2e} ({what})")
        worst = max(worst, diff)
    return worst


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="check", required=True)
    p = sub.add_parser("onnxruntime")
    p.add_argument("exported")
    p.add_argument("fixture")
    p.add_argument("--atol", type=float, default=1e-4)
    p = sub.add_parser("score")
    p.add_argument("xenc")
    p.add_argument("exported")
    p.add_argument("fixture")
    p.add_argument("pairs")
    p.add_argument("--atol", type=float, default=1e-4)
    args = parser.parse_args()
    worst = check_onnxruntime(args) if args.check == "onnxruntime" else check_score(args)
    if worst > args.atol:
        print(f"FAILED: {worst:.2e} > atol {args.atol}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
