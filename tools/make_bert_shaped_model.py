#!/usr/bin/env python3
"""Write a full-size BERT sequence-classification ONNX model plus ORT reference data.

    python3 tools/make_bert_shaped_model.py OUT_DIR

writes
    OUT_DIR/model.onnx                       ~91 MB, opset 14, random weights (fixed seed)
    OUT_DIR/test_data_set_0/input_{0,1,2}.pb batch 4 x 128 tokens, rows 1 and 2 padded
    OUT_DIR/test_data_set_0/output_0.pb      logits [4, 1] from ONNX Runtime (CPU)
    OUT_DIR/test_data_set_1/...              batch 1 x 64
in the ONNX backend test-data layout (inputs in graph-input order, TensorProto .name
set to the graph input name).

The model has the shape of a MiniLM-class cross-encoder (ms-marco-MiniLM-L-6 is 384
wide with 6 layers): 6 layers, hidden 384, 12 heads, FFN 1536, vocab 30522, 512
positions, 2 token types, num_labels 1. Weights and embeddings are N(0, 0.02) (the
usual BERT initializer range); biases and LayerNorm beta are N(0, 0.02) and
LayerNorm gamma is 1 + N(0, 0.02), so every parameter matters; word embedding row 0
(the [PAD] id) is zero, as in Hugging Face. Everything is drawn from
numpy.random.RandomState(SEED), whose stream numpy keeps stable across versions.

The graph is built with onnx.helper and follows, node for node, what torch.onnx.export
(torch 1.13, constant folding on, opset 14) writes for transformers'
BertForSequenceClassification: Gather embeddings with a sliced position-ids constant,
decomposed LayerNorm (ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add), attention
as MatMul + bias Add, Shape/Gather/Unsqueeze/Concat/Reshape/Transpose, Div by
sqrt(head_dim), Add of the extended mask, Softmax, MatMul; Erf GELU; pooler
Gather/Gemm/Tanh; classifier Gemm. Inputs input_ids, attention_mask, token_type_ids
(int64, [batch_size, sequence_length]); output logits ([batch_size, 1]).
One deliberate difference: the extended attention mask is (1 - mask) * -10000
(older transformers); transformers >= 4.2x exports (1 - mask) * finfo(float32).min.

Needs only pip packages onnx, numpy and onnxruntime (no torch, no transformers); it
was written against onnx 1.17.0, numpy 1.24.2 and onnxruntime 1.20.1.

Cross-check against a real torch export (the fixtures of
tests/fixtures/make_real_exports.py):

    python3 tools/make_bert_shaped_model.py --compare-with tests/fixtures/real_exports/bert_opset14

builds this graph with the export's configuration and weights, compares op
histograms and op sequences with the export, and runs both on the export's
test data sets. It writes nothing.
"""

import argparse
import collections
import math
import os
import sys

import numpy as np
import onnx
import onnx.numpy_helper
from onnx import TensorProto, helper

SEED = 20240614
STD = 0.02
MASK_FILL = -10000.0
LN_EPS = 1e-12

FULL_CONFIG = dict(
    layers=6,
    hidden=384,
    heads=12,
    ffn=1536,
    vocab=30522,
    positions=512,
    type_vocab=2,
    num_labels=1,
)

INPUT_NAMES = ["input_ids", "attention_mask", "token_type_ids"]


# --------------------------------------------------------------------------- weights

def random_weights(cfg, seed=SEED):
    """All parameters, keyed by the names the graph uses. MatMul weights are stored
    [in, out] (as torch's constant folding leaves them); Gemm weights [out, in]."""
    rs = np.random.RandomState(seed)
    H, F = cfg["hidden"], cfg["ffn"]

    def normal(*shape):
        return (rs.standard_normal(shape) * STD).astype(np.float32)

    def gamma(n):
        return (1.0 + rs.standard_normal(n) * STD).astype(np.float32)

    w = {}
    emb = "bert.embeddings"
    w[f"{emb}.word_embeddings.weight"] = normal(cfg["vocab"], H)
    w[f"{emb}.word_embeddings.weight"][0] = 0.0  # padding_idx row, as HF initialises it
    w[f"{emb}.position_embeddings.weight"] = normal(cfg["positions"], H)
    w[f"{emb}.token_type_embeddings.weight"] = normal(cfg["type_vocab"], H)
    w[f"{emb}.LayerNorm.weight"] = gamma(H)
    w[f"{emb}.LayerNorm.bias"] = normal(H)
    for i in range(cfg["layers"]):
        p = f"bert.encoder.layer.{i}"
        for name, fan_in, fan_out in (
            ("attention.self.query", H, H),
            ("attention.self.key", H, H),
            ("attention.self.value", H, H),
            ("attention.output.dense", H, H),
            ("intermediate.dense", H, F),
            ("output.dense", F, H),
        ):
            w[f"{p}.{name}.weight_t"] = normal(fan_in, fan_out)
            w[f"{p}.{name}.bias"] = normal(fan_out)
        for ln in ("attention.output.LayerNorm", "output.LayerNorm"):
            w[f"{p}.{ln}.weight"] = gamma(H)
            w[f"{p}.{ln}.bias"] = normal(H)
    w["bert.pooler.dense.weight"] = normal(H, H)
    w["bert.pooler.dense.bias"] = normal(H)
    w["classifier.weight"] = normal(cfg["num_labels"], H)
    w["classifier.bias"] = normal(cfg["num_labels"])
    return w


# --------------------------------------------------------------------------- graph

class GraphBuilder:
    """Emits nodes named the way torch.onnx.export names them
    (/scope/OpType_k, outputs /scope/OpType_k_output_0)."""

    def __init__(self):
        self.nodes = []
        self.counters = collections.Counter()

    def _name(self, scope, op_type):
        k = self.counters[(scope, op_type)]
        self.counters[(scope, op_type)] += 1
        return f"{scope}/{op_type}" + (f"_{k}" if k else "")

    def op(self, scope, op_type, inputs, output=None, **attrs):
        name = self._name(scope, op_type)
        out = output or f"{name}_output_0"
        self.nodes.append(helper.make_node(op_type, inputs, [out], name=name, **attrs))
        return out

    def const(self, scope, value, dtype):
        arr = np.array(value, dtype=dtype)
        name = self._name(scope, "Constant")
        out = f"{name}_output_0"
        self.nodes.append(helper.make_node(
            "Constant", [], [out], name=name,
            value=onnx.numpy_helper.from_array(arr, name="")))
        return out

    def i64(self, scope, value):
        return self.const(scope, value, np.int64)

    def f32(self, scope, value):
        return self.const(scope, value, np.float32)


def layer_norm(g, scope, x, weight, bias):
    mean = g.op(scope, "ReduceMean", [x], axes=[-1])
    centred = g.op(scope, "Sub", [x, mean])
    sq = g.op(scope, "Pow", [centred, g.f32(scope, 2.0)])
    var = g.op(scope, "ReduceMean", [sq], axes=[-1])
    var_eps = g.op(scope, "Add", [var, g.f32(scope, LN_EPS)])
    std = g.op(scope, "Sqrt", [var_eps])
    normed = g.op(scope, "Div", [centred, std])
    scaled = g.op(scope, "Mul", [normed, weight])
    return g.op(scope, "Add", [scaled, bias])


def linear(g, scope, x, prefix):
    """nn.Linear on a 3-D input: MatMul by the folded transposed weight, then bias Add
    (bias first, as torch writes it)."""
    mm = g.op(scope, "MatMul", [x, f"{prefix}.weight_t"])
    return g.op(scope, "Add", [f"{prefix}.bias", mm])


def split_heads(g, scope, x, heads, head_dim):
    """x.view(x.size(0), x.size(1), heads, head_dim) as torch exports it."""
    d0 = g.op(scope, "Gather", [g.op(scope, "Shape", [x]), g.i64(scope, 0)], axis=0)
    d1 = g.op(scope, "Gather", [g.op(scope, "Shape", [x]), g.i64(scope, 1)], axis=0)
    u0 = g.op(scope, "Unsqueeze", [d0, g.i64(scope, [0])])
    u1 = g.op(scope, "Unsqueeze", [d1, g.i64(scope, [0])])
    shape = g.op(scope, "Concat", [u0, u1, g.i64(scope, [heads]), g.i64(scope, [head_dim])], axis=0)
    return g.op(scope, "Reshape", [x, shape], allowzero=0)


def encoder_layer(g, i, x, mask_add, cfg):
    H, heads = cfg["hidden"], cfg["heads"]
    head_dim = H // heads
    p = f"bert.encoder.layer.{i}"
    s = f"/bert/encoder/layer.{i}"
    sa = f"{s}/attention/self"

    q = linear(g, f"{sa}/query", x, f"{p}.attention.self.query")
    k = linear(g, f"{sa}/key", x, f"{p}.attention.self.key")
    k4 = split_heads(g, sa, k, heads, head_dim)
    v = linear(g, f"{sa}/value", x, f"{p}.attention.self.value")
    v4 = g.op(sa, "Transpose", [split_heads(g, sa, v, heads, head_dim)], perm=[0, 2, 1, 3])
    q4 = g.op(sa, "Transpose", [split_heads(g, sa, q, heads, head_dim)], perm=[0, 2, 1, 3])
    kt = g.op(sa, "Transpose", [k4], perm=[0, 2, 3, 1])
    scores = g.op(sa, "MatMul", [q4, kt])
    scores = g.op(sa, "Div", [scores, g.f32(sa, math.sqrt(head_dim))])
    scores = g.op(sa, "Add", [scores, mask_add])
    probs = g.op(sa, "Softmax", [scores], axis=-1)
    ctx = g.op(sa, "MatMul", [probs, v4])
    ctx = g.op(sa, "Transpose", [ctx], perm=[0, 2, 1, 3])
    d0 = g.op(sa, "Gather", [g.op(sa, "Shape", [ctx]), g.i64(sa, 0)], axis=0)
    d1 = g.op(sa, "Gather", [g.op(sa, "Shape", [ctx]), g.i64(sa, 1)], axis=0)
    u0 = g.op(sa, "Unsqueeze", [d0, g.i64(sa, [0])])
    u1 = g.op(sa, "Unsqueeze", [d1, g.i64(sa, [0])])
    shape = g.op(sa, "Concat", [u0, u1, g.i64(sa, [H])], axis=0)
    ctx = g.op(sa, "Reshape", [ctx, shape], allowzero=0)

    ao = f"{s}/attention/output"
    h = linear(g, f"{ao}/dense", ctx, f"{p}.attention.output.dense")
    h = g.op(ao, "Add", [h, x])
    h = layer_norm(g, f"{ao}/LayerNorm", h,
                   f"{p}.attention.output.LayerNorm.weight", f"{p}.attention.output.LayerNorm.bias")

    inter = linear(g, f"{s}/intermediate/dense", h, f"{p}.intermediate.dense")
    act = f"{s}/intermediate/intermediate_act_fn"
    t = g.op(act, "Div", [inter, g.f32(act, math.sqrt(2.0))])
    t = g.op(act, "Erf", [t])
    t = g.op(act, "Add", [t, g.f32(act, 1.0)])
    t = g.op(act, "Mul", [inter, t])
    t = g.op(act, "Mul", [t, g.f32(act, 0.5)])

    o = f"{s}/output"
    y = linear(g, f"{o}/dense", t, f"{p}.output.dense")
    y = g.op(o, "Add", [y, h])
    return layer_norm(g, f"{o}/LayerNorm", y,
                      f"{p}.output.LayerNorm.weight", f"{p}.output.LayerNorm.bias")


def build_model(cfg, weights, mask_fill=MASK_FILL):
    g = GraphBuilder()
    # Extended attention mask: (1 - mask[:, None, None, :].float()) * mask_fill.
    zero = g.i64("/bert", 0)  # used by the pooler's hidden[:, 0]
    m = g.op("/bert", "Unsqueeze", ["attention_mask", g.i64("/bert", [1])])
    m = g.op("/bert", "Unsqueeze", [m, g.i64("/bert", [2])])
    m = g.op("/bert", "Cast", [m], to=TensorProto.FLOAT)
    m = g.op("/bert", "Sub", [g.f32("/bert", 1.0), m])
    mask_add = g.op("/bert", "Mul", [m, g.f32("/bert", mask_fill)])

    # Embeddings: position_ids = buffer[:, :seq_len].
    e = "/bert/embeddings"
    seq = g.op(e, "Gather", [g.op(e, "Shape", ["input_ids"]), g.i64(e, 1)], axis=0)
    pos_buffer = g.i64(e, np.arange(cfg["positions"], dtype=np.int64)[None, :])
    starts = g.i64(e, [0])
    ends = g.op(e, "Unsqueeze", [seq, g.i64(e, [0])])
    pos_ids = g.op(e, "Slice", [pos_buffer, starts, ends, g.i64(e, [1]), g.i64(e, [1])])
    words = g.op(f"{e}/word_embeddings", "Gather",
                 ["bert.embeddings.word_embeddings.weight", "input_ids"])
    types = g.op(f"{e}/token_type_embeddings", "Gather",
                 ["bert.embeddings.token_type_embeddings.weight", "token_type_ids"])
    x = g.op(e, "Add", [words, types])
    pos = g.op(f"{e}/position_embeddings", "Gather",
               ["bert.embeddings.position_embeddings.weight", pos_ids])
    x = g.op(e, "Add", [x, pos])
    x = layer_norm(g, f"{e}/LayerNorm", x,
                   "bert.embeddings.LayerNorm.weight", "bert.embeddings.LayerNorm.bias")

    for i in range(cfg["layers"]):
        x = encoder_layer(g, i, x, mask_add, cfg)

    first = g.op("/bert/pooler", "Gather", [x, zero], axis=1)
    pooled = g.op("/bert/pooler/dense", "Gemm",
                  [first, "bert.pooler.dense.weight", "bert.pooler.dense.bias"],
                  alpha=1.0, beta=1.0, transB=1)
    pooled = g.op("/bert/pooler/activation", "Tanh", [pooled])
    g.op("/classifier", "Gemm", [pooled, "classifier.weight", "classifier.bias"],
         output="logits", alpha=1.0, beta=1.0, transB=1)

    dyn = ["batch_size", "sequence_length"]
    inputs = [helper.make_tensor_value_info(n, TensorProto.INT64, dyn) for n in INPUT_NAMES]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.FLOAT,
                                             ["batch_size", cfg["num_labels"]])]
    inits = [onnx.numpy_helper.from_array(a, name=n) for n, a in weights.items()]
    graph = helper.make_graph(g.nodes, "torch_jit", inputs, outputs, initializer=inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)],
                              producer_name="xenc-make_bert_shaped_model",
                              producer_version="1")
    model.ir_version = 7  # what torch 1.13 writes at opset 14
    return model


# --------------------------------------------------------------------------- data

def make_batch(rs, batch, seq, lengths, vocab, cls=101, sep=102, pad=0):
    """[CLS] a [SEP] b [SEP] [PAD]...; lengths[r] real tokens in row r."""
    ids = np.full((batch, seq), pad, dtype=np.int64)
    mask = np.zeros((batch, seq), dtype=np.int64)
    tt = np.zeros((batch, seq), dtype=np.int64)
    for r, n in enumerate(lengths):
        row = rs.randint(1000, vocab, size=n).astype(np.int64)
        row[0] = cls
        split = int(rs.randint(2, n - 2))
        row[split] = sep
        row[n - 1] = sep
        ids[r, :n] = row
        mask[r, :n] = 1
        tt[r, split + 1:n] = 1
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": tt}


def write_tensor(path, arr, name):
    with open(path, "wb") as f:
        f.write(onnx.numpy_helper.from_array(arr, name=name).SerializeToString())


def ort_session(model_path_or_bytes):
    import onnxruntime as ort
    so = ort.SessionOptions()
    return ort.InferenceSession(model_path_or_bytes, so, providers=["CPUExecutionProvider"])


def generate(out_dir):
    cfg = FULL_CONFIG
    os.makedirs(out_dir, exist_ok=True)
    model = build_model(cfg, random_weights(cfg))
    onnx.checker.check_model(model, full_check=True)
    path = os.path.join(out_dir, "model.onnx")
    onnx.save(model, path)
    print(f"{path}: {os.path.getsize(path)} bytes, {len(model.graph.node)} nodes")

    sess = ort_session(path)
    assert [i.name for i in sess.get_inputs()] == INPUT_NAMES
    rs = np.random.RandomState(SEED + 1)
    sets = [
        make_batch(rs, 4, 128, [128, 100, 37, 128], cfg["vocab"]),
        make_batch(rs, 1, 64, [64], cfg["vocab"]),
    ]
    for k, feeds in enumerate(sets):
        (logits,) = sess.run(["logits"], feeds)
        # Padded rows must score like the same row run alone.
        for r in range(logits.shape[0]):
            n = int(feeds["attention_mask"][r].sum())
            if n < feeds["input_ids"].shape[1]:
                (alone,) = sess.run(["logits"], {key: v[r:r + 1, :n] for key, v in feeds.items()})
                assert np.max(np.abs(alone[0] - logits[r])) <= 1e-4, (k, r, alone, logits[r])
        d = os.path.join(out_dir, f"test_data_set_{k}")
        os.makedirs(d, exist_ok=True)
        for i, name in enumerate(INPUT_NAMES):
            write_tensor(os.path.join(d, f"input_{i}.pb"), feeds[name], name)
        write_tensor(os.path.join(d, "output_0.pb"), logits, "logits")
        print(f"{d}: {list(feeds['input_ids'].shape)} -> logits {logits.ravel().tolist()}")


# --------------------------------------------------------------------------- cross-check

def compare_with(export_dir):
    """Rebuild the graph with a torch export's config and weights and compare."""
    import glob

    ref = onnx.load(os.path.join(export_dir, "model.onnx"))
    inits = {t.name: onnx.numpy_helper.to_array(t) for t in ref.graph.initializer}
    consts = {n.output[0]: onnx.numpy_helper.to_array(n.attribute[0].t)
              for n in ref.graph.node if n.op_type == "Constant"}

    weights = {}
    for n in ref.graph.node:  # folded MatMul weights are named onnx::MatMul_N: map by node
        if n.op_type == "MatMul" and n.input[1] in inits:
            module = n.name.strip("/").rsplit("/", 1)[0].replace("/", ".")
            weights[f"{module}.weight_t"] = inits[n.input[1]]
    weights.update({k: v for k, v in inits.items() if not k.startswith("onnx::")})

    H = inits["bert.embeddings.word_embeddings.weight"].shape[1]
    div = next(n for n in ref.graph.node
               if n.op_type == "Div" and n.name.endswith("attention/self/Div"))
    head_dim = int(round(float(consts[div.input[1]]) ** 2))
    cfg = dict(
        layers=len({k.split(".")[3] for k in inits if k.startswith("bert.encoder.layer.")}),
        hidden=H,
        heads=H // head_dim,
        ffn=inits["bert.encoder.layer.0.intermediate.dense.bias"].shape[0],
        vocab=inits["bert.embeddings.word_embeddings.weight"].shape[0],
        positions=inits["bert.embeddings.position_embeddings.weight"].shape[0],
        type_vocab=inits["bert.embeddings.token_type_embeddings.weight"].shape[0],
        num_labels=inits["classifier.weight"].shape[0],
    )
    print(f"torch export config: {cfg}")
    mine = build_model(cfg, {k: weights[k] for k in random_weights(cfg)})
    onnx.checker.check_model(mine, full_check=True)

    h_ref = collections.Counter(n.op_type for n in ref.graph.node)
    h_mine = collections.Counter(n.op_type for n in mine.graph.node)
    print(f"{'op':<12}{'torch':>8}{'this':>8}")
    for op in sorted(set(h_ref) | set(h_mine)):
        flag = "" if h_ref[op] == h_mine[op] else "   <-- differs"
        print(f"{op:<12}{h_ref[op]:>8}{h_mine[op]:>8}{flag}")
    print(f"{'nodes':<12}{len(ref.graph.node):>8}{len(mine.graph.node):>8}")
    print(f"{'initializers':<12}{len(ref.graph.initializer):>8}{len(mine.graph.initializer):>8}")
    seq_ref = [(n.op_type, [(a.name, helper.get_attribute_value(a)) for a in n.attribute])
               for n in ref.graph.node if n.op_type != "Constant"]
    seq_mine = [(n.op_type, [(a.name, helper.get_attribute_value(a)) for a in n.attribute])
                for n in mine.graph.node if n.op_type != "Constant"]
    same_seq = seq_ref == seq_mine
    print(f"non-Constant op sequence with attributes identical: {same_seq}")
    names_ref = [n.name for n in ref.graph.node]
    names_mine = [n.name for n in mine.graph.node]
    print(f"node names identical: {names_ref == names_mine} "
          f"({sum(a == b for a, b in zip(names_ref, names_mine))}/{len(names_ref)} positions)")

    sess = ort_session(mine.SerializeToString())
    worst = 0.0
    for d in sorted(glob.glob(os.path.join(export_dir, "test_data_set_*"))):
        feeds = {}
        for p in sorted(glob.glob(os.path.join(d, "input_*.pb"))):
            t = onnx.load_tensor(p)
            feeds[t.name] = onnx.numpy_helper.to_array(t)
        expected = onnx.numpy_helper.to_array(onnx.load_tensor(os.path.join(d, "output_0.pb")))
        (got,) = sess.run(["logits"], feeds)
        diff = float(np.max(np.abs(got - expected)))
        worst = max(worst, diff)
        print(f"{os.path.basename(d)}: shape {list(feeds['input_ids'].shape)}, "
              f"max |this - torch export (ORT)| = {diff:.2e}")
    ok = same_seq and h_ref == h_mine and worst <= 1e-5
    print("cross-check", "PASSED" if ok else "FAILED")
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out_dir", nargs="?", help="directory to write model.onnx and test data into")
    ap.add_argument("--compare-with", metavar="EXPORT_DIR",
                    help="cross-check the graph structure against a torch export of BERT")
    args = ap.parse_args()
    if args.compare_with:
        return compare_with(args.compare_with)
    if not args.out_dir:
        ap.error("OUT_DIR is required")
    generate(args.out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main())
