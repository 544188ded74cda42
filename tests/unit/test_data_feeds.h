// The feeds of an ONNX test-data directory (input_<k>.pb, each TensorProto
// named after its graph input), for tests that run sessions directly.
#pragma once

#include <filesystem>
#include <map>
#include <string>

#include "graph/tensor_proto.h"

namespace xenc::test {

inline std::map<std::string, Tensor> read_test_feeds(const std::filesystem::path& dir) {
  std::map<std::string, Tensor> feeds;
  for (int i = 0; std::filesystem::exists(dir / ("input_" + std::to_string(i) + ".pb")); ++i) {
    std::string name;
    Tensor t = read_tensor_file(dir / ("input_" + std::to_string(i) + ".pb"), &name);
    feeds.emplace(name, std::move(t));
  }
  return feeds;
}

}  // namespace xenc::test
