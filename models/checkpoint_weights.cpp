#include "models/checkpoint_weights.h"

#include "graph/error.h"

namespace xenc {

bool CheckpointWeights::has_encoder(const std::string& name) const {
  return source_.contains(encoder_name(name)) || source_.contains(name);
}

Tensor CheckpointWeights::encoder(const std::string& name, const Shape& shape) const {
  const std::string prefixed = encoder_name(name);
  if (source_.contains(prefixed)) return read(prefixed, shape);
  if (source_.contains(name)) return read(name, shape);
  throw Error(origin() + ": no tensor '" + prefixed + "' (nor '" + name + "')");
}

Shape CheckpointWeights::shape(const std::string& name) const {
  if (!source_.contains(name)) throw Error(origin() + ": no tensor '" + name + "'");
  return source_.read_float(name).shape();
}

Tensor CheckpointWeights::read(const std::string& name, const Shape& shape) const {
  if (!source_.contains(name)) throw Error(origin() + ": no tensor '" + name + "'");
  Tensor t = source_.read_float(name);
  if (t.shape() != shape)
    throw Error(origin() + ": tensor '" + name + "' has shape " + shape_str(t.shape()) + ", config.json implies " +
                shape_str(shape));
  return t;
}

}  // namespace xenc
