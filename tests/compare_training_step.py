#!/usr/bin/env python3
"""Checks that one `xenc train` step equals one PyTorch step: the reference of
tests/fixtures/training_step/ (written by tests/fixtures/make_training_step.py: the tiny
BERT of real_exports/bert_opset17, its 8 pairs in one batch, BCE on label / 5, no dropout,
clip_grad_norm_ 1.0, one AdamW step at lr 1e-3). Needs numpy and onnx only (no torch).
Run by tests/CMakeLists.txt as train.one_step_matches_pytorch_*.

Usage
    compare_training_step.py XENC FIXTURE_DIR WORK_DIR {xenc-export,torch-export}
        WORK_DIR is emptied first. The model trained:
        xenc-export   `xenc export --from-hf real_exports/bert_opset17 --out WORK_DIR/exported`
        torch-export  real_exports/bert_opset17 itself (its model.onnx is torch.onnx's export)
        then `xenc train MODEL --train FIXTURE_DIR/pairs.tsv --out WORK_DIR/trained --epochs 1
        --batch-size 8 --lr 1e-3 --warmup-ratio 0 --no-dropout --label-range 0:5 --threads 2
        --log WORK_DIR/train_log.jsonl`.

What it checks (exit status 1 if one fails)
    - every float initializer of the model before training is matched by value to one
      parameter of the fixture: equal to "before/<name>" exactly, or to its transpose (a
      torch export stores Linear weights as MatMul's [in, out]); the weights are random, so
      the match is unambiguous (two matches are an error). An initializer of more than one
      element that matches none must be left unchanged by xenc (a constant of the graph,
      not a parameter); one that xenc changed is an error. Every fixture parameter must be
      matched by at least one initializer;
    - each matched initializer of the trained model equals "after/<name>" (in the same
      layout) within 1e-4 on every element. Printed per parameter: max |xenc - torch| and,
      for scale, max |torch step| (about 1e-3: Adam's first step is lr * sign(g));
    - at least one parameter moved by more than 1e-4 in xenc's model (no vacuous pass);
    - weight decay, which the 1e-4 above cannot see (lr * wd * |p| < 1e-5): the word_embeddings
      rows of "unused_token_ids" (zero gradient, so p * (1 - lr * wd) alone) equal torch's
      within 1e-7, where the decay itself moves them by more than 1e-6;
    - the loss of xenc's step (from its --log) equals the fixture's within 1e-5, and its lr
      is 1e-3.
"""

import argparse
import glob
import json
import os
import shutil
import subprocess
import sys

import numpy as np
import onnx
import onnx.numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
HF_DIR = os.path.join(HERE, "fixtures", "real_exports", "bert_opset17")
TOL = 1e-4
NORM_RTOL = 1e-4  # float32 sums of ~125k squared gradients
LOSS_TOL = 1e-5
DECAY_TOL = 1e-7  # a few float32 rounding steps at |p| < 1
WORD_EMBEDDINGS = "bert.embeddings.word_embeddings.weight"
LR = 1e-3
TRAIN_ARGS = ["--epochs", "1", "--batch-size", "8", "--lr", str(LR), "--warmup-ratio", "0", "--no-dropout",
              "--label-range", "0:5", "--threads", "2"]


def run(cmd):
    print("$ " + " ".join(cmd), flush=True)
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    print(done.stdout, end="", flush=True)
    if done.returncode != 0:
        sys.exit(f"FAIL: exit code {done.returncode}: {' '.join(cmd)}")


def onnx_file(model_dir):
    """The directory's one ONNX file: model.onnx or onnx/*.onnx."""
    found = glob.glob(os.path.join(model_dir, "model.onnx")) + glob.glob(os.path.join(model_dir, "onnx", "*.onnx"))
    if len(found) != 1:
        sys.exit(f"FAIL: {model_dir}: expected one ONNX file, found {found}")
    return found[0]


def float_initializers(path):
    model = onnx.load(path)  # external data (next to the file) is loaded too
    out = {}
    for t in model.graph.initializer:
        a = onnx.numpy_helper.to_array(t)
        if a.dtype in (np.float32, np.float64):
            out[t.name] = a
    return out


def match(value, before):
    """[(torch name, transposed?)] of the fixture parameters equal to `value`."""
    found = []
    for name, p in before.items():
        if p.shape == value.shape and np.array_equal(p, value):
            found.append((name, False))
        elif p.ndim == 2 and p.T.shape == value.shape and np.array_equal(p.T, value):
            found.append((name, True))
    return found


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("xenc")
    parser.add_argument("fixture")
    parser.add_argument("work")
    parser.add_argument("model", choices=["xenc-export", "torch-export"])
    args = parser.parse_args()

    shutil.rmtree(args.work, ignore_errors=True)
    os.makedirs(args.work)
    if args.model == "xenc-export":
        model_dir = os.path.join(args.work, "exported")
        run([args.xenc, "export", "--from-hf", HF_DIR, "--out", model_dir])
    else:
        model_dir = HF_DIR
    trained_dir = os.path.join(args.work, "trained")
    log = os.path.join(args.work, "train_log.jsonl")
    run([args.xenc, "train", model_dir, "--train", os.path.join(args.fixture, "pairs.tsv"), "--out", trained_dir,
         "--log", log] + TRAIN_ARGS)

    with np.load(os.path.join(args.fixture, "expected_step.npz")) as npz:
        ref = {key: npz[key] for key in npz.files}
    before = {k[len("before/"):]: v for k, v in ref.items() if k.startswith("before/")}
    after = {k[len("after/"):]: v for k, v in ref.items() if k.startswith("after/")}
    source = onnx_file(model_dir)
    initial = float_initializers(source)
    trained = float_initializers(os.path.join(trained_dir, os.path.relpath(source, model_dir)))
    print(f"{source}: {len(initial)} float initializers; fixture: {len(before)} parameters, "
          f"loss {float(ref['loss']):.6f}, gradient norm {float(ref['grad_norm']):.6f}")

    failures = []
    if set(trained) != set(initial):
        failures.append(f"the trained model's float initializers differ: {sorted(set(trained) ^ set(initial))}")
    covered = set()
    decay_rows = None
    worst, moved_most = 0.0, 0.0
    print(f"{'initializer':58} {'torch parameter':58} {'elements':>8} {'|xenc-torch|':>12} {'|torch step|':>12}")
    for name in sorted(initial, key=lambda n: (n not in before, n)):
        value = initial[name]
        if name not in trained:
            continue
        xenc_after = trained[name]
        xenc_moved = float(np.max(np.abs(xenc_after.astype(np.float64) - value))) if value.size else 0.0
        moved_most = max(moved_most, xenc_moved)
        found = match(value, before)
        if len(found) > 1:
            failures.append(f"{name}: matches several parameters {found}")
            continue
        if not found:
            if value.size > 1 and xenc_moved > 0:
                failures.append(f"{name} {list(value.shape)}: no torch parameter, but xenc changed it by {xenc_moved:.2e}")
            else:
                print(f"{name:58} {'(a constant: not a parameter, unchanged)':58} {value.size:8}")
            continue
        torch_name, transposed = found[0]
        covered.add(torch_name)
        if torch_name == WORD_EMBEDDINGS:
            decay_rows = (name, transposed)
        expected = after[torch_name].T if transposed else after[torch_name]
        diff = float(np.max(np.abs(xenc_after.astype(np.float64) - expected)))
        step = float(np.max(np.abs(after[torch_name].astype(np.float64) - before[torch_name])))
        worst = max(worst, diff)
        label = torch_name + (" (T)" if transposed else "")
        print(f"{name:58} {label:58} {value.size:8} {diff:12.3e} {step:12.3e}")
        if not diff <= TOL:
            failures.append(f"{name} ({label}): max |xenc - torch| = {diff:.3e} > {TOL}")
    for torch_name in sorted(set(before) - covered):
        failures.append(f"{torch_name} {list(before[torch_name].shape)}: no initializer of {source} holds it")
    if decay_rows:
        name, transposed = decay_rows
        unused = ref["unused_token_ids"]
        xenc_rows = (trained[name].T if transposed else trained[name])[unused].astype(np.float64)
        torch_rows = after[WORD_EMBEDDINGS][unused].astype(np.float64)
        decay_diff = float(np.max(np.abs(xenc_rows - torch_rows)))
        decay_step = float(np.max(np.abs(torch_rows - before[WORD_EMBEDDINGS][unused])))
        print(f"weight decay: {len(unused)} zero-gradient rows of {WORD_EMBEDDINGS}: max |xenc - torch| "
              f"{decay_diff:.3e} (tolerance {DECAY_TOL}), max |torch step| {decay_step:.3e}")
        if not decay_diff <= DECAY_TOL:
            failures.append(f"weight decay: zero-gradient rows differ by {decay_diff:.3e} > {DECAY_TOL}")
        if not decay_step > 10 * DECAY_TOL:
            failures.append(f"weight decay: torch moved the zero-gradient rows by only {decay_step:.3e}")
    if not moved_most > TOL:
        failures.append(f"no parameter moved by more than {TOL} (largest change {moved_most:.2e}): a vacuous step")

    with open(log, encoding="utf-8") as f:
        steps = [json.loads(line) for line in f if line.strip()]
    steps = [s for s in steps if "step" in s]
    if len(steps) != 1:
        failures.append(f"{log}: expected one step, found {len(steps)}")
    else:
        loss_diff = abs(steps[0]["loss"] - float(ref["loss"]))
        print(f"loss: xenc {steps[0]['loss']:.8f}, torch {float(ref['loss']):.8f}, |diff| {loss_diff:.2e}; "
              f"lr: xenc {steps[0]['lr']}, torch {float(ref['lr'])}")
        if not loss_diff <= LOSS_TOL:
            failures.append(f"loss differs by {loss_diff:.2e} > {LOSS_TOL}")
        if steps[0]["lr"] != float(ref["lr"]):
            failures.append(f"lr {steps[0]['lr']} != {float(ref['lr'])}")
        # The gradient norm (before clipping) checks the gradients' sizes, which
        # Adam's first step, about lr * sign(g), hides.
        norm_diff = abs(steps[0]["grad_norm"] - float(ref["grad_norm"])) / float(ref["grad_norm"])
        print(f"gradient norm: xenc {steps[0]['grad_norm']:.6f}, torch {float(ref['grad_norm']):.6f}, "
              f"relative |diff| {norm_diff:.2e}")
        if not norm_diff <= NORM_RTOL:
            failures.append(f"gradient norm differs by {norm_diff:.2e} (relative) > {NORM_RTOL}")

    print(f"{args.model}: {len(covered)}/{len(before)} parameters matched; max |xenc - torch| over all = {worst:.3e} "
          f"(tolerance {TOL}); largest xenc change {moved_most:.3e}")
    if failures:
        for f in failures:
            print("FAIL: " + f)
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    sys.exit(main())
