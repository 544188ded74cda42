#include "tools/xenc/model_options.h"

#include <map>

namespace xenc::cli {

void add_memory_cap_options(CLI::App& cmd, MemoryCapArgs& args) {
  // Up to 2^40 MiB, so the byte count fits in 64 bits.
  const auto range = CLI::Range(uint64_t{1}, uint64_t{1} << 40);
  cmd.add_option("--max-tensor-mb", args.tensor_mb,
                 "Fail with an error naming the tensor when any one tensor would need more MiB than this "
                 "(default: the memory this process may use)")
      ->check(range);
  cmd.add_option("--max-arena-mb", args.arena_mb,
                 "Fail with an error when the values computed in one model run would need more MiB than this "
                 "together (default: the memory this process may use)")
      ->check(range);
}

void add_model_options(CLI::App& cmd, ModelArgs& args) {
  cmd.add_option("DIR", args.dir,
                 "Model directory: config.json, tokenizer files, model.onnx or onnx/model*.onnx")
      ->required();
  cmd.add_option("--onnx-file", args.options.onnx_file,
                 "The ONNX file to run, relative to DIR (default: the only one, or onnx/model.onnx)");
  cmd.add_option("--threads", args.options.threads, "Threads (default: the CPUs this process may use)")
      ->check(CLI::Range(size_t{1}, size_t{1024}));
  cmd.add_option("--batch-size", args.options.batch_size, "Pairs per model run (pairs are grouped by length)")
      ->capture_default_str()
      ->check(CLI::Range(size_t{1}, size_t{1} << 20));
  cmd.add_option("--max-length", args.options.max_length,
                 "Tokens per pair, special tokens included; longer pairs are truncated (default: the model's limit)")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20));
  cmd.add_option("--precision", args.precision,
                 "Weight products: fp32; bf16 (weights and activations rounded to bfloat16, sums in fp32); or int8 "
                 "(weights quantized per column at load, activations per row); bf16 and int8 also run attention's "
                 "products in bf16")
      ->check(CLI::IsMember({"fp32", "bf16", "int8"}))
      ->capture_default_str();
  cmd.add_option("--activation", args.activation,
                 "auto (the model's sentence-transformers activation, else sigmoid for one label and softmax for "
                 "several), none (raw logits), sigmoid or softmax")
      ->check(CLI::IsMember({"auto", "none", "sigmoid", "softmax"}))
      ->capture_default_str();
  cmd.add_flag("--json", args.json, "One JSON object per line");
  add_memory_cap_options(cmd, args.memory);
}

CrossEncoderOptions ModelArgs::cross_encoder_options() const {
  static const std::map<std::string, Activation> kActivations = {{"auto", Activation::model_default},
                                                                 {"none", Activation::none},
                                                                 {"sigmoid", Activation::sigmoid},
                                                                 {"softmax", Activation::softmax}};
  static const std::map<std::string, Precision> kPrecisions = {{"fp32", Precision::fp32},
                                                                 {"bf16", Precision::bf16},
                                                                 {"int8", Precision::int8}};
  CrossEncoderOptions o = options;
  o.activation = kActivations.at(activation);
  o.precision = kPrecisions.at(precision);
  const MemoryCaps caps = memory.caps();
  o.max_tensor_bytes = caps.tensor_bytes;
  o.max_arena_bytes = caps.arena_bytes;
  return o;
}

}  // namespace xenc::cli
