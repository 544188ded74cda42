// The one exception type of xenc. Loading and shape inference validate and
// throw; kernels on the run path only assert what validation established.
#pragma once

#include <stdexcept>
#include <string>

namespace xenc {

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& what) : std::runtime_error(what) {}
};

// An error that already names the node it happened at (Node::describe()),
// so the layers it passes through do not name it again.
class NodeError : public Error {
 public:
  using Error::Error;
};

// A model uses an operator (or operator version) xenc does not implement.
class UnsupportedOpError : public Error {
 public:
  using Error::Error;
};

}  // namespace xenc
