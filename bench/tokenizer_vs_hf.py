#!/usr/bin/env python3
"""Single-threaded pair-encoding throughput: xenc vs Hugging Face `tokenizers` (Rust).

For each tokenizer family (a directory with tokenizer.json) it runs xenc_bench_tokenizer,
then HF `tokenizers` on the same tokenizer.json and pairs, with the same truncation and no
padding, and prints a table. HF is timed as encode_batch over all pairs with
TOKENIZERS_PARALLELISM=false and RAYON_NUM_THREADS=1 (one thread), median of the same
number of passes; the per-call Python loop (encode per pair) is shown for reference.
The total token counts of both must agree.

  python3 bench/tokenizer_vs_hf.py --xenc build/bench/xenc_bench_tokenizer \
      --pairs tests/fixtures/stsb/sts-train.csv [DIR ...]
"""
import os

# Before `tokenizers` is imported: its Rayon pool reads these once.
os.environ["TOKENIZERS_PARALLELISM"] = "false"
os.environ["RAYON_NUM_THREADS"] = "1"

import argparse  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

import tokenizers  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "tokenizers"


def read_pairs(path):
    """The pairs xenc reads from the same file: STS layout (7+ columns: sentences in 6 and 7),
    TSV a<TAB>b[<TAB>label], or JSONL {"text_a", "text_b"}."""
    pairs = []
    with open(path, encoding="utf-8", newline="\n") as f:
        jsonl = path.endswith((".jsonl", ".ndjson")) or None
        for n, line in enumerate(f, 1):
            line = line.rstrip("\n").removesuffix("\r")
            if not line:
                continue
            if jsonl is None:
                jsonl = line.startswith("{")
            if jsonl:
                record = json.loads(line)
                a, b = record["text_a"], record.get("text_b")
            else:
                columns = line.split("\t")
                a, b = (columns[5], columns[6]) if len(columns) >= 7 else (columns[0], columns[1] if len(columns) > 1 else None)
            if b is None:
                sys.exit(f"{path}:{n}: a single text; the benchmark needs pairs")
            pairs.append((a, b))
    return pairs


def hf_tokenizer(directory, max_length):
    """tokenizer.json as xenc uses it: no padding; truncation to max_length with the file's
    own strategy and direction, else longest_first from the right."""
    tok = tokenizers.Tokenizer.from_file(str(directory / "tokenizer.json"))
    section = json.loads((directory / "tokenizer.json").read_text(encoding="utf-8")).get("truncation") or {}
    tok.no_padding()
    tok.no_truncation()
    if max_length:
        tok.enable_truncation(max_length,
                              strategy=re.sub(r"(?<!^)(?=[A-Z])", "_", section.get("strategy", "LongestFirst")).lower(),
                              direction=section.get("direction", "Right").lower())
    return tok


def median_seconds(run, repeats):
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds)


def bench_family(directory, args, pairs):
    command = [args.xenc, str(directory), args.pairs, "--repeats", str(args.repeats)]
    if args.max_length is not None:
        command += ["--max-length", str(args.max_length)]
    xenc = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
    if xenc["pairs"] != len(pairs):
        sys.exit(f"{directory.name}: xenc read {xenc['pairs']} pairs, python {len(pairs)}")

    tok = hf_tokenizer(directory, xenc["max_length"])
    tokens = sum(len(e.ids) for e in tok.encode_batch(pairs))  # also warms up like xenc's first pass
    batch_s = median_seconds(lambda: tok.encode_batch(pairs), args.repeats)
    loop_s = median_seconds(lambda: [tok.encode(a, b) for a, b in pairs], args.repeats)
    return {
        "family": directory.name,
        "max_length": xenc["max_length"],
        "xenc": xenc["pairs_per_s"],
        "hf_batch": len(pairs) / batch_s,
        "hf_loop": len(pairs) / loop_s,
        "xenc_tokens": xenc["tokens"],
        "hf_tokens": tokens,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("dirs", nargs="*", type=Path,
                        help="tokenizer directories (default: every family in tests/fixtures/tokenizers)")
    parser.add_argument("--xenc", required=True, help="path to xenc_bench_tokenizer")
    parser.add_argument("--pairs", required=True, help="pairs file (e.g. tests/fixtures/stsb/sts-train.csv)")
    parser.add_argument("--repeats", type=int, default=7, help="timed passes per runtime (median)")
    parser.add_argument("--max-length", type=int, help="truncation (default: the tokenizer's max_length)")
    args = parser.parse_args()

    dirs = args.dirs or sorted(d for d in FIXTURES.iterdir() if (d / "tokenizer.json").is_file())
    pairs = read_pairs(args.pairs)
    print(f"tokenizers {tokenizers.__version__}, {len(pairs)} pairs from {args.pairs}, "
          f"median of {args.repeats} passes, one thread")
    print("| family | max_length | xenc pairs/s | HF encode_batch pairs/s | ratio | HF encode loop pairs/s | tokens |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    mismatched = False
    for directory in dirs:
        r = bench_family(directory, args, pairs)
        same = r["xenc_tokens"] == r["hf_tokens"]
        mismatched |= not same
        tokens = str(r["xenc_tokens"]) if same else f"MISMATCH xenc {r['xenc_tokens']} HF {r['hf_tokens']}"
        print(f"| {r['family']} | {r['max_length']} | {r['xenc']:,.0f} | {r['hf_batch']:,.0f} | "
              f"{r['xenc'] / r['hf_batch']:.2f} | {r['hf_loop']:,.0f} | {tokens} |", flush=True)
    return 1 if mismatched else 0


if __name__ == "__main__":
    sys.exit(main())
