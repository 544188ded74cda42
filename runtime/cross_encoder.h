// xenc's public C++ API: score and rank sentence pairs with a cross-encoder
// stored as an ONNX graph in a Hugging Face-style model directory.
//
//   xenc::CrossEncoder model("path/to/model");
//   xenc::Scores s = model.predict(pairs);          // s[i]: the score of pairs[i]
//   auto best = model.rank(query, docs, 10);        // (index, score), best first
//
// This header depends on the standard library only; it is installed as
// <xenc/cross_encoder.h> and linked as xenc::xenc. Errors are thrown as
// std::runtime_error whose message names the file, line, node or tensor.
// A CrossEncoder is immutable after construction: predict and rank may be
// called from many threads at once.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if defined(__GNUC__)
#define XENC_API __attribute__((visibility("default")))
#else
#define XENC_API
#endif

namespace xenc {

// Number format of the weight products (every MatMul with a constant 2-D
// weight). bf16 and int8 also take attention's two products in bf16 (fp32
// sums); embeddings, normalizations and the softmax stay fp32.
enum class Precision {
  fp32,
  bf16,  // weights rounded to bfloat16 at load, activations at run time; sums in fp32
  int8,  // weights quantized per output column at load, activations per row at run time
};

// What turns the model's logits into scores.
enum class Activation {
  model_default,  // config.json's sentence-transformers activation if it names one,
                  // else sigmoid for one label and softmax for several
  none,           // raw logits
  sigmoid,
  softmax,
};

struct CrossEncoderOptions {
  size_t threads = 0;      // 0: the CPUs this process may use (affinity and cgroup quota)
  size_t batch_size = 32;  // pairs per model run; pairs are grouped by length first
  size_t max_length = 0;   // tokens per pair, special tokens included; 0: the model's limit
  Precision precision = Precision::fp32;
  Activation activation = Activation::model_default;
  // The ONNX file, relative to the model directory. Empty: the only
  // onnx/model*.onnx or model.onnx there, or onnx/model.onnx when there are several.
  std::string onnx_file;
  // Memory caps, so a model or batch needing more fails with an error naming
  // the tensor instead of running the machine out of memory. 0: the memory
  // this process may use (physical, or the cgroup's limit).
  uint64_t max_tensor_bytes = 0;  // any one tensor
  uint64_t max_arena_bytes = 0;   // the values computed in one model run together
};

// Scores of N pairs: row-major [N, num_labels].
struct Scores {
  size_t num_labels = 1;
  std::vector<float> values;

  size_t size() const { return num_labels == 0 ? 0 : values.size() / num_labels; }
  // The score of pair i for one label (the only one of a single-label model).
  float operator()(size_t i, size_t label = 0) const { return values[i * num_labels + label]; }
  std::span<const float> row(size_t i) const { return {values.data() + i * num_labels, num_labels}; }
};

struct RankedDocument {
  size_t index;  // position in the docs passed to rank()
  float score;
};

class XENC_API CrossEncoder {
 public:
  // Opens a model directory: config.json, the tokenizer files and the ONNX
  // graph. Throws if anything is missing or malformed.
  explicit CrossEncoder(const std::filesystem::path& model_dir, const CrossEncoderOptions& options = {});
  ~CrossEncoder();
  CrossEncoder(CrossEncoder&&) noexcept;
  CrossEncoder& operator=(CrossEncoder&&) noexcept;

  // Called after each model run with the number of pairs it scored; calls
  // come from worker threads but never overlap.
  using Progress = std::function<void(size_t pairs_done)>;

  // Scores in the caller's order. Texts longer than max_length() are
  // truncated (longest first), never refused; invalid UTF-8 is an error.
  Scores predict(std::span<const std::pair<std::string, std::string>> pairs, const Progress& progress = {}) const;

  // Scores each (query, doc) pair and returns the top_k (0: all) best first;
  // ties keep document order. Several-label models rank by the last label
  // (the positive class of a binary classifier).
  std::vector<RankedDocument> rank(std::string_view query, std::span<const std::string> docs, size_t top_k = 0,
                                   const Progress& progress = {}) const;

  size_t num_labels() const;
  // config.json id2label names, in label order ("LABEL_0", ... when absent).
  const std::vector<std::string>& labels() const;
  // The activation in use (model_default resolved).
  Activation activation() const;
  size_t max_length() const;
  size_t threads() const;
  const std::filesystem::path& onnx_file() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace xenc
