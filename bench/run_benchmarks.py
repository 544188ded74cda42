#!/usr/bin/env python3
"""xenc vs ONNX Runtime on a MiniLM-L6-shaped BERT cross-encoder, fp32: the four cases of
the model benchmark, as a Markdown table.

    python3 bench/run_benchmarks.py --xenc BUILD/xenc [--work-dir DIR] [--threads 2] [--runs N]

1. Builds the 6-layer 384-wide BERT graph with tools/make_bert_shaped_model.py into
   WORK_DIR/bert_shaped (once: it is seeded, so a second build would be identical) and
   makes that directory an HF-style model directory: the bert_uncased tokenizer files of
   tests/fixtures/tokenizers (vocabulary 30522, the generator's) and a config.json with
   512 positions.
2. Runs `xenc bench --vs-ort --json` for each case at THREADS threads: uniform batches
   of 32 x 128 and 32 x 32 tokens, single-pair latency at 64 tokens, and the STS
   benchmark test pairs (tests/fixtures/stsb/sts-test.csv) in file order, batch 32.
   xenc and ONNX Runtime take turns pass by pass within each case.
3. Prints the table.

Run it with a Python that has numpy, onnx, onnxruntime and tokenizers
(pip install -r tools/requirements-dev.txt): it builds the model and is ONNX Runtime's
side too.
"""

import argparse
import datetime
import json
import os
import shutil
import subprocess
import sys

import onnx

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tools"))
import make_bert_shaped_model  # noqa: E402  (needs the path above)

TOKENIZER_DIR = os.path.join(ROOT, "tests", "fixtures", "tokenizers", "bert_uncased")
TOKENIZER_FILES = ["tokenizer.json", "tokenizer_config.json", "special_tokens_map.json", "vocab.txt"]
STS_TEST = os.path.join(ROOT, "tests", "fixtures", "stsb", "sts-test.csv")

# (name, xenc bench arguments, timed passes per runtime)
CASES = [
    ("uniform 32 x 128", ["--batch", "32", "--seq", "128"], 10),
    ("uniform 32 x 32", ["--batch", "32", "--seq", "32"], 20),
    ("latency 1 x 64", ["--batch", "1", "--seq", "64"], 50),
    ("STS-B test, file order, batch 32", ["--pairs", STS_TEST, "--batch", "32"], 3),
]


def make_model_dir(model_dir):
    """The generated model plus what makes it an HF-style cross-encoder directory."""
    cfg = make_bert_shaped_model.FULL_CONFIG
    model_file = os.path.join(model_dir, "model.onnx")
    if not os.path.exists(model_file):
        make_bert_shaped_model.generate(model_dir)
    model = onnx.load(model_file, load_external_data=False)
    table = next(t for t in model.graph.initializer if t.name == "bert.embeddings.word_embeddings.weight")
    with open(os.path.join(TOKENIZER_DIR, "vocab.txt"), encoding="utf-8") as f:
        tokenizer_vocab = sum(1 for _ in f)
    if table.dims[0] != tokenizer_vocab:
        sys.exit(f"{model_file}: {table.dims[0]} word embeddings, but the tokenizer has {tokenizer_vocab} tokens")
    for name in TOKENIZER_FILES:
        shutil.copy(os.path.join(TOKENIZER_DIR, name), model_dir)
    config = {
        "architectures": ["BertForSequenceClassification"],
        "model_type": "bert",
        "vocab_size": cfg["vocab"],
        "hidden_size": cfg["hidden"],
        "num_hidden_layers": cfg["layers"],
        "num_attention_heads": cfg["heads"],
        "intermediate_size": cfg["ffn"],
        "max_position_embeddings": cfg["positions"],
        "type_vocab_size": cfg["type_vocab"],
        "id2label": {str(i): f"LABEL_{i}" for i in range(cfg["num_labels"])},
        "label2id": {f"LABEL_{i}": i for i in range(cfg["num_labels"])},
    }
    with open(os.path.join(model_dir, "config.json"), "w", encoding="utf-8") as f:
        json.dump(config, f, indent=2)


def bench(xenc, model_dir, case_args, threads, runs):
    cmd = [xenc, "bench", model_dir, *case_args, "--threads", str(threads), "--runs", str(runs),
           "--warmup", "1", "--vs-ort", "--ort-python", sys.executable, "--json"]
    print("$ " + " ".join(cmd), file=sys.stderr, flush=True)
    done = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout)


def number(value, decimals):
    return "?" if value is None else f"{value:,.{decimals}f}"


def table(rows):
    lines = [
        "| case | real tokens / pass | xenc pairs/s | ORT pairs/s | xenc / ORT | xenc ms/batch median (p90) "
        "| ORT ms/batch median (p90) | xenc GFLOP/s | ORT GFLOP/s | max \\|logit diff\\| | sgemm GFLOP/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in rows:
        x, o = r["xenc"], r["ort"]
        lines.append(
            f"| {name} | {r['tokens']:,} | {number(x['pairs_per_s'], 1)} | {number(o['pairs_per_s'], 1)} "
            f"| {r['xenc_vs_ort']:.2f} "
            f"| {number(x['ms_per_batch_median'], 1)} ({number(x['ms_per_batch_p90'], 1)}) "
            f"| {number(o['ms_per_batch_median'], 1)} ({number(o['ms_per_batch_p90'], 1)}) "
            f"| {number(x['gflops'], 1)} | {number(o['gflops'], 1)} | {r['max_abs_diff']:.1e} "
            f"| {number(r['sgemm']['gflops'], 1)} |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--xenc", default=os.environ.get("XENC", os.path.join(ROOT, "build", "xenc")),
                        help="the xenc executable (default: $XENC, else build/xenc)")
    parser.add_argument("--work-dir", default=os.path.join(ROOT, "build", "bench_models"),
                        help="where the generated model directory goes")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--runs", type=int, help="timed passes per runtime for every case "
                        "(default: 10, 20, 50 and 3)")
    args = parser.parse_args()
    if not os.path.exists(args.xenc):
        parser.error(f"{args.xenc}: no such executable; build xenc or pass --xenc")

    model_dir = os.path.join(args.work_dir, "bert_shaped")
    make_model_dir(model_dir)
    rows = [(name, bench(args.xenc, model_dir, case_args, args.threads, args.runs or runs))
            for name, case_args, runs in CASES]
    ort_version = rows[0][1]["ort"]["version"]
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    print(f"MiniLM-L6-shaped BERT (6 layers, 384 wide, 12 heads, FFN 1536), fp32, {args.threads} threads, "
          f"ONNX Runtime {ort_version}; {datetime.date.today()}, load average {load} at the end\n")
    print(table(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
