// The ONNX test-data layout: a directory of input_<k>.pb (and optionally
// output_<k>.pb) TensorProto files, k counting from 0 in graph order.
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "runtime/session.h"
#include "runtime/tensor_compare.h"

namespace xenc {

struct TestDataSet {
  std::map<std::string, Tensor> feeds;
  std::vector<Tensor> expected;  // empty when the directory holds no outputs
};

// input_<k>.pb feeds the k-th graph input (its stored name, when it names an
// input, takes precedence).
TestDataSet read_test_data_set(const std::filesystem::path& dir, const Session& session);

// nullopt when every output matches; else which output differs and how.
std::optional<std::string> check_outputs(const Session& session, const std::vector<Tensor>& expected,
                                         const std::vector<Tensor>& actual, Tolerance tol);

}  // namespace xenc
