// Ops that only relabel the shape (Reshape, Flatten, Squeeze, Unsqueeze,
// Identity, inference Dropout), Expand and Cast. Only the data input carries
// a gradient; shapes and axes are indices.
#include "ops/common/convert.h"
#include "trainer/gradients/gradient_util.h"

namespace xenc {
namespace {

// Y holds X's elements in the same order, so dX is dY read with X's shape.
// Dropout's mask (output 1) is a constant of the input and passes nothing back.
std::vector<Gradient> same_elements_backward(const BackwardArgs& args) {
  std::vector<Gradient> grads = no_gradients(args);
  if (wants(args, 0) && args.output_grads[0])
    grads[0] = dense_gradient(args.output_grads[0]->reshaped(args.inputs[0]->shape()));
  return grads;
}

// Y is X broadcast to a larger shape: each X element's gradient adds up the
// dY of every copy.
std::vector<Gradient> expand_backward(const BackwardArgs& args) {
  std::vector<Gradient> grads = no_gradients(args);
  if (wants(args, 0)) grads[0] = dense_gradient(sum_to_shape(*args.output_grads[0], args.inputs[0]->shape()));
  return grads;
}

bool is_float_or_double(DType t) { return t == DType::kFloat || t == DType::kDouble; }

// Between float and double the cast is (piecewise) the identity, so dX is dY
// converted back to X's dtype. A cast to or from an integer or bool is a
// step function: no gradient.
std::vector<Gradient> cast_backward(const BackwardArgs& args) {
  std::vector<Gradient> grads = no_gradients(args);
  if (!wants(args, 0)) return grads;
  const Tensor& x = *args.inputs[0];
  const Tensor& dy = *args.output_grads[0];
  if (!is_float_or_double(x.dtype()) || !is_float_or_double(dy.dtype())) return grads;
  if (x.dtype() == dy.dtype()) {
    grads[0] = dense_gradient(dy);
    return grads;
  }
  Tensor dx(x.dtype(), x.shape());
  convert_tensor(dy, dx);
  grads[0] = dense_gradient(dx);
  return grads;
}

}  // namespace

extern const GradientRule kReshapeGradient{"", "Reshape", 0b1, same_elements_backward};
extern const GradientRule kFlattenGradient{"", "Flatten", 0b1, same_elements_backward};
extern const GradientRule kSqueezeGradient{"", "Squeeze", 0b1, same_elements_backward};
extern const GradientRule kUnsqueezeGradient{"", "Unsqueeze", 0b1, same_elements_backward};
extern const GradientRule kIdentityGradient{"", "Identity", 0b1, same_elements_backward};
extern const GradientRule kDropoutGradient{"", "Dropout", 0b1, same_elements_backward};
extern const GradientRule kExpandGradient{"", "Expand", 0b1, expand_backward};
extern const GradientRule kCastGradient{"", "Cast", 0b1, cast_backward};

}  // namespace xenc
