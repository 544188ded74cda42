// The BERT-family encoder, embeddings then transformer layers, built the
// way torch.onnx exports transformers 4.36's eager models at opset 17, so
// the passes that fuse real exports (LayerNorm, GELU, attention) fuse it too:
//
//   embeddings  Gather(word) + Gather(token type) + Gather(position), then
//               LayerNormalization; position ids are Slice(arange) for BERT
//               and ELECTRA, and for RoBERTa / XLM-R
//                 cumsum(ids != pad) * (ids != pad) + pad
//               (CumSum), with no token_type_ids input: row 0 of the
//               token-type table is added to every token. ELECTRA then
//               projects embedding_size to hidden_size (embeddings_project).
//   mask        Mul(Sub(1, Cast(Unsqueeze(Unsqueeze(attention_mask, 1), 2))),
//               float32 lowest), computed once and added in every layer.
//   each layer  q, k, v = MatMul + Add; Reshape to [B, S, heads, head_size]
//               (target [0, 0, heads, head_size]: 0 copies the dim);
//               Transpose (K to [B, heads, d, S] directly); MatMul(Q, K^T),
//               Div by sqrt(head_size), Add mask, Softmax, MatMul V,
//               Transpose, Reshape [0, 0, hidden]; output dense, Add the
//               residual, LayerNormalization; FFN dense, exact GELU, dense,
//               Add the residual, LayerNormalization.
//
// With EncoderOptions::separate_texts (BERT and ELECTRA), each text of a
// pair is encoded as if it were alone, in the one sequence the tokenizer
// makes of the pair (whose template gives the second text its own [CLS]:
// exporter/hf_export.h): every token gets row 0 of the token-type table,
// positions restart at 0 where token type 1 starts, and the mask, [B, 1, S,
// S], also filters every score between tokens of different types. A pair
// scored this way is a bi-encoder's (each text's states depend on it alone),
// which a checkpoint trained as one (all-MiniLM-L6-v2) starts from.
//
// The graph inputs are input_ids and attention_mask (and token_type_ids for
// BERT and ELECTRA), int64 [batch_size, sequence_length]; the result is the
// last layer's output, named "last_hidden_state", [batch_size,
// sequence_length, hidden_size]. Node and value names follow the export's
// module scopes ("/bert/encoder/layer.0/attention/self/MatMul").
#pragma once

#include <string>

#include "models/checkpoint_weights.h"
#include "models/encoder_config.h"
#include "models/graph_builder.h"

namespace xenc {

inline constexpr char kLastHiddenState[] = "last_hidden_state";

struct EncoderOptions {
  bool separate_texts = false;
};

std::string build_encoder(GraphBuilder& builder, const EncoderConfig& config, const CheckpointWeights& weights,
                          const EncoderOptions& options = {});

}  // namespace xenc
