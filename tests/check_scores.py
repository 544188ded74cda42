#!/usr/bin/env python3
"""Checks `xenc score` and `xenc rank` on an HF-style model directory against
ONNX Runtime's reference outputs stored beside the model (expected_scores.jsonl,
expected_rank.json; written by tests/fixtures/make_real_exports.py from HF
`tokenizers` encodings). Standard library only.

Usage: check_scores.py XENC MODEL_DIR PAIRS_TSV DOCS_FILE [--atol A] [xenc options...]
Exit status 0 when every logit and score is within atol and the ranking order
is the reference order; otherwise prints the first differences and exits 1.
"""

import argparse
import json
import os
import subprocess
import sys


def run_json_lines(cmd):
    out = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout
    return [json.loads(line) for line in out.splitlines()]


def score_values(obj):
    """{"score": s} or {"label": .., "scores": {name: s, ...}} -> [s, ...] in label order."""
    if "score" in obj:
        return [obj["score"]]
    return list(obj["scores"].values())


def compare(name, got, want, atol, failures):
    if len(got) != len(want):
        failures.append(f"{name}: {len(got)} rows, expected {len(want)}")
        return 0.0
    worst = 0.0
    for i, (g, w) in enumerate(zip(got, want)):
        if len(g) != len(w):
            failures.append(f"{name} row {i}: {len(g)} values, expected {len(w)}")
            continue
        for gv, wv in zip(g, w):
            diff = abs(gv - wv)
            worst = max(worst, diff)
            if diff > atol:
                failures.append(f"{name} row {i}: {g} vs expected {w} (|diff| {diff:.2e} > {atol})")
    return worst


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("xenc")
    parser.add_argument("model_dir")
    parser.add_argument("pairs")
    parser.add_argument("docs")
    parser.add_argument("--atol", type=float, default=1e-4)
    args, extra = parser.parse_known_args()

    with open(os.path.join(args.model_dir, "expected_scores.jsonl")) as f:
        expected = [json.loads(line) for line in f]
    with open(os.path.join(args.model_dir, "expected_rank.json")) as f:
        expected_rank = json.load(f)

    base = [args.xenc, "score", args.model_dir, "--pairs", args.pairs, "--json"] + extra
    failures = []
    logits = [score_values(o) for o in run_json_lines(base + ["--activation", "none"])]
    worst_logit = compare("logits", logits, [e["logits"] for e in expected], args.atol, failures)
    scores = [score_values(o) for o in run_json_lines(base)]
    worst_score = compare("scores", scores, [e["scores"] for e in expected], args.atol, failures)

    ranked = run_json_lines([args.xenc, "rank", args.model_dir, "--query", expected_rank["query"],
                             "--docs", args.docs, "--json"] + extra)
    order = [r["index"] for r in ranked]
    if order != expected_rank["order"]:
        failures.append(f"rank order {order}, expected {expected_rank['order']}")
    worst_rank = compare("rank scores", [[r["score"]] for r in ranked],
                         [[expected_rank["scores"][i]] for i in expected_rank["order"]], args.atol, failures)

    for line in failures[:20]:
        print(line)
    print(f"{len(expected)} pairs, {len(order)} ranked docs; max |diff| logits {worst_logit:.2e}, "
          f"scores {worst_score:.2e}, rank scores {worst_rank:.2e}; {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
