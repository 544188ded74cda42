// Adding up gradients: a value used by several nodes gets the sum of what
// each use sends back, dense or by rows (trainer/backward.h).
//
// Gradients are never changed in place: a rule may return a view of its
// output's gradient (Reshape, Add), so two values' gradients can share
// storage. Sums are new tensors.
#pragma once

#include "trainer/backward.h"

namespace xenc {

// into = into + g, for dense and row gradients of one value in any mix.
void add_gradient(Gradient& into, Gradient g);

// The same gradient with each row once (repeats summed), rows ascending; a
// dense gradient is returned as it is. The norm of a gradient and the
// optimizer's update need each row's total.
Gradient coalesce_rows(const Gradient& g);

}  // namespace xenc
