#!/usr/bin/env python3
"""ONNX Runtime's side of `xenc bench` (tools/xenc/bench_command.cpp starts it).

    ort_runner.py MODEL.onnx --threads N [--precision int8] --inputs DIR
    ort_runner.py MODEL.onnx --threads N [--precision int8] --pairs PAIRS.jsonl --tokenizer TOKENIZER.json
                  --batch B --max-length L --pad-id P

Loads MODEL with graph optimizations ORT_ENABLE_ALL, N intra-op threads, one inter-op
thread and sequential execution, then answers commands read from stdin, one per line,
with one JSON line each on stdout:
    run       one timed pass                 -> {"seconds": s}
    outputs   the logits of the last pass    -> {"logits": [row-major floats], "tokens": n}
    (EOF)     exit
The first line it writes is {"onnxruntime": version} once loaded, or {"error": message}
when onnxruntime, tokenizers or the model cannot be loaded; a failing command also
answers {"error": message}.

A pass over --inputs runs the model once on DIR's input_<k>.pb TensorProto files (the
tensors xenc runs). A pass over --pairs does what sentence-transformers' CrossEncoder
does: for each batch of B pairs in file order, HF tokenizers encodes them (truncation
to L tokens, none when L is 0; padding to the longest pair of the batch) and the
session runs; tokenization is part of the timed pass, as it is on xenc's side.
`tokens` counts the real (unpadded) tokens of a pass.

With --precision int8 it runs ONNX Runtime's own int8 model of MODEL instead, written to a
temporary directory by onnxruntime.quantization.quantize_dynamic with the weights of every
MatMul quantized to int8 per output column (what `xenc --precision int8` quantizes; activations
are quantized to uint8 at run time, per tensor as ONNX Runtime does).
"""

import argparse
import glob
import json
import os
import sys
import tempfile
import time


class Unavailable(Exception):
    """A Python package the ONNX Runtime side needs is missing; the message says which and what to do."""


def reply(channel, obj):
    channel.write(json.dumps(obj) + "\n")
    channel.flush()


def logits_output(session):
    names = [o.name for o in session.get_outputs()]
    return "logits" if "logits" in names else names[0]


class TensorPass:
    """The model once on fixed input tensors."""

    def __init__(self, session, inputs_dir):
        import onnx.numpy_helper

        self.session = session
        self.output = logits_output(session)
        self.feeds = {}
        for path in sorted(glob.glob(os.path.join(inputs_dir, "input_*.pb"))):
            tensor = onnx.load_tensor(path)
            self.feeds[tensor.name] = onnx.numpy_helper.to_array(tensor)
        mask = self.feeds.get("attention_mask")
        self.tokens = int(mask.sum()) if mask is not None else int(self.feeds["input_ids"].size)

    def run(self):
        (logits,) = self.session.run([self.output], self.feeds)
        return logits


class PairsPass:
    """Every pair of a file, batch by batch in file order, tokenized as sentence-transformers does."""

    def __init__(self, session, args):
        import numpy as np
        from tokenizers import Tokenizer

        self.np = np
        self.session = session
        self.output = logits_output(session)
        self.input_names = [i.name for i in session.get_inputs()]
        self.tokenizer = Tokenizer.from_file(args.tokenizer)
        # The file's truncation strategy and direction (xenc follows them too), at xenc's max length.
        truncation = self.tokenizer.truncation or {"strategy": "longest_first", "direction": "right"}
        if args.max_length > 0:
            self.tokenizer.enable_truncation(args.max_length, strategy=truncation["strategy"],
                                             direction=truncation["direction"])
        else:
            self.tokenizer.no_truncation()
        self.tokenizer.enable_padding(pad_id=args.pad_id)  # to the longest of each batch
        with open(args.pairs, encoding="utf-8") as f:
            pairs = [json.loads(line) for line in f]
        self.batches = [[(p["text_a"], p["text_b"]) for p in pairs[i:i + args.batch]]
                        for i in range(0, len(pairs), args.batch)]
        self.tokens = 0

    def run(self):
        np = self.np
        outputs = []
        self.tokens = 0
        for batch in self.batches:
            encodings = self.tokenizer.encode_batch(batch)
            columns = {
                "input_ids": [e.ids for e in encodings],
                "attention_mask": [e.attention_mask for e in encodings],
                "token_type_ids": [e.type_ids for e in encodings],
            }
            feeds = {name: np.asarray(columns[name], dtype=np.int64) for name in self.input_names}
            self.tokens += sum(sum(e.attention_mask) for e in encodings)
            (logits,) = self.session.run([self.output], feeds)
            outputs.append(logits)
        return np.concatenate(outputs)


def int8_model(path):
    """The serialized quantize_dynamic model of the ONNX file at path."""
    from onnxruntime.quantization import QuantType, quantize_dynamic

    with tempfile.TemporaryDirectory(prefix="xenc-ort-int8-") as scratch:
        quantized = os.path.join(scratch, "model_int8.onnx")
        quantize_dynamic(path, quantized, op_types_to_quantize=["MatMul"], per_channel=True,
                         weight_type=QuantType.QInt8)
        with open(quantized, "rb") as f:
            return f.read()


def load(args):
    try:
        import onnxruntime as ort
    except ImportError as e:
        raise Unavailable(f"onnxruntime is not importable by {sys.executable} ({e}); install it "
                           "(pip install onnxruntime) or point --ort-python or XENC_PYTHON at a Python "
                           "that has it") from e
    model = int8_model(args.model) if args.precision == "int8" else args.model
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    try:
        work = PairsPass(session, args) if args.pairs else TensorPass(session, args.inputs)
    except ImportError as e:
        raise Unavailable(f"{e.name} is not importable by {sys.executable} ({e}); the ONNX Runtime side "
                           "needs numpy, onnx and tokenizers too") from e
    return ort.__version__, work


def serve(work, commands, channel):
    logits = None
    for line in commands:
        command = line.strip()
        try:
            if command == "run":
                start = time.perf_counter()
                logits = work.run()
                reply(channel, {"seconds": time.perf_counter() - start})
            elif command == "outputs":
                if logits is None:
                    raise RuntimeError("'outputs' before any 'run'")
                reply(channel, {"logits": logits.astype("float64").ravel().tolist(), "tokens": work.tokens})
            else:
                raise RuntimeError(f"unknown command '{command}'")
        except Exception as e:  # reported to xenc, which stops
            reply(channel, {"error": f"ONNX Runtime side: {type(e).__name__}: {e}"})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("model")
    parser.add_argument("--threads", type=int, required=True)
    parser.add_argument("--inputs", help="directory of input_<k>.pb files")
    parser.add_argument("--pairs", help="JSONL of {\"text_a\", \"text_b\"}, in order")
    parser.add_argument("--tokenizer", help="tokenizer.json for --pairs")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--max-length", type=int, default=0, help="0: no truncation")
    parser.add_argument("--pad-id", type=int, default=0)
    parser.add_argument("--precision", choices=["fp32", "int8"], default="fp32")
    args = parser.parse_args()
    if bool(args.inputs) == bool(args.pairs):
        parser.error("give one of --inputs and --pairs")

    # The protocol keeps its own copy of stdout; anything else printed (library
    # messages) goes to stderr instead of corrupting it.
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    try:
        version, work = load(args)
    except Unavailable as e:
        reply(channel, {"error": str(e)})
        return 1
    except Exception as e:
        reply(channel, {"error": f"ONNX Runtime side: {type(e).__name__}: {e}"})
        return 1
    reply(channel, {"onnxruntime": version})
    serve(work, sys.stdin, channel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
