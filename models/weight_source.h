// Where the model builders read checkpoint tensors from, by their Hugging
// Face names. exporter/safetensors.h implements it for .safetensors files;
// the builders never depend on a file format.
#pragma once

#include <string>

#include "graph/tensor.h"

namespace xenc {

class WeightSource {
 public:
  virtual ~WeightSource() = default;

  virtual bool contains(const std::string& name) const = 0;
  // The tensor as float32, whatever its stored floating-point type; a
  // missing name or a non-float tensor is an Error naming origin() and the tensor.
  virtual Tensor read_float(const std::string& name) const = 0;
  // The file the tensors come from, for error messages.
  virtual std::string origin() const = 0;
};

}  // namespace xenc
