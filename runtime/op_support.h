// Which operators of a model xenc cannot run, read from the ModelProto alone
// (without loading weights), for `xenc inspect` and the conformance runner.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace xenc {

// "op_type (domain 'd', opset N)" for each distinct unsupported op, sorted.
std::vector<std::string> find_unsupported_ops(const std::filesystem::path& model_file);

}  // namespace xenc
