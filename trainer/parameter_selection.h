// Which initializers a training run updates (`--freeze`), found from the
// graph's structure rather than from names, which exporters rename.
//
// Candidates are the float initializers with more than one element whose
// every use is a differentiable input of an op with a backward rule:
// weights, biases, embedding tables and normalization parameters, never
// scalar constants such as the attention scale.
//   none     every candidate
//   head     the candidates used only after the encoder: by nodes after
//            the last one with a [batch, sequence, ...] float output (the
//            pooler and classifier, whose inputs are one vector per pair)
//   last:N   the head plus the last N encoder layers. A layer starts at
//            the value that three or more MatMuls read (its Q, K and V
//            projections); a candidate belongs to the layer where it is
//            first used.
#pragma once

#include <set>
#include <string>

#include "graph/ir.h"

namespace xenc {

struct FreezeSpec {
  enum class Kind { none, head, last_layers } kind = Kind::none;
  int layers = 0;  // for last_layers
};

FreezeSpec parse_freeze(const std::string& text);  // "none", "head", "last:N"

// `graph` must have its shapes inferred (graph.value_types filled).
std::set<std::string> trainable_parameters(const Graph& graph, const FreezeSpec& freeze);

// The ones of `trainable` without weight decay: rank-1 tensors (biases and
// normalization scales and shifts, which Hugging Face's recipes exempt).
std::set<std::string> no_decay_parameters(const Graph& graph, const std::set<std::string>& trainable);

}  // namespace xenc
