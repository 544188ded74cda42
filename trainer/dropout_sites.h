// Where Hugging Face's encoders apply dropout in training, found from the
// graph's structure (exports drop the Dropout nodes):
//   attention: on every Softmax output (the attention probabilities);
//   hidden: on the branch a LayerNormalization adds to its residual (the
//     attention and feed-forward outputs), and on the output of the first
//     LayerNormalization, whose input sums embeddings rather than a
//     residual and a branch;
//   head: on the input of the classifier, the last MatMul or Gemm.
// Rates come from config.json: hidden_dropout_prob and
// attention_probs_dropout_prob (0.1 when absent).
#pragma once

#include <filesystem>
#include <vector>

#include "graph/ir.h"
#include "trainer/trainable_graph.h"

namespace xenc {

struct DropoutRates {
  float hidden = 0.1f;
  float attention = 0.1f;
};

// config.json's rates; the defaults when the file or a key is absent.
DropoutRates read_dropout_rates(const std::filesystem::path& model_dir);

std::vector<DropoutSite> find_dropout_sites(const Graph& graph, const DropoutRates& rates);

}  // namespace xenc
