// Which initializers a training run updates (`--freeze`), found from the
// graph's structure rather than from names, which exporters rename.
//
// Candidates are the float initializers of rank 1 or more whose every use
// is a differentiable input of an op with a backward rule: weights, biases
// (a one-label classifier's is [1]), embedding tables and normalization
// parameters, never rank-0 constants such as the attention scale.
//   none     every candidate
//   head     the candidates used only after the encoder: by nodes after
//            the last one with a float output of rank 3 or more, i.e.
//            [batch, sequence, ...] (the pooler and classifier work on one
//            vector per pair). Ranks come from a run, since shape inference
//            cannot always see through an export's computed Reshapes.
//   last:N   the head plus the last N encoder layers. A layer starts at
//            the value that three or more MatMuls read (its Q, K and V
//            projections); a candidate belongs to the layer where it is
//            first used.
#pragma once

#include <map>
#include <set>
#include <string>

#include "graph/ir.h"

namespace xenc {

struct FreezeSpec {
  enum class Kind { none, head, last_layers } kind = Kind::none;
  int layers = 0;  // for last_layers
};

FreezeSpec parse_freeze(const std::string& text);  // "none", "head", "last:N"

// `ranks`: the rank of each node output in a run of the graph.
std::set<std::string> trainable_parameters(const Graph& graph, const FreezeSpec& freeze,
                                           const std::map<std::string, size_t>& ranks);

// The ones of `trainable` without weight decay: rank-1 tensors (biases and
// normalization scales and shifts, which Hugging Face's recipes exempt).
std::set<std::string> no_decay_parameters(const Graph& graph, const std::set<std::string>& trainable);

}  // namespace xenc
