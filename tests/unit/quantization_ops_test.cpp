// The quantization ops where the ONNX backend node tests do not reach:
// per-axis QuantizeLinear / DequantizeLinear, MatMulInteger with int8 A and
// per-row / per-column zero points, QLinearMatMul with per-row and
// per-column scales, against plain int64 / double loops written here from
// the ONNX spec; the com.microsoft DynamicQuantizeMatMul and
// MatMulIntegerToFloat against the standard-op graphs ONNX Runtime's
// quantizer writes for them; and the load-time refusals of bad inputs.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "fusion_test_util.h"

namespace xenc {
namespace {

template <class T>
Tensor typed_tensor(Shape shape, const std::vector<T>& values) {
  Tensor t(dtype_of<T>(), std::move(shape));
  EXPECT_EQ(static_cast<size_t>(t.numel()), values.size());
  std::copy(values.begin(), values.end(), t.data<T>());
  return t;
}

template <class T>
std::vector<T> values_of(const Tensor& t) {
  const T* p = t.data<T>();
  return std::vector<T>(p, p + t.numel());
}

// n values cycling through [lo, hi].
template <class T>
std::vector<T> ramp(size_t n, int lo, int hi, int stride) {
  std::vector<T> v(n);
  const size_t span = static_cast<size_t>(hi - lo + 1);
  for (size_t i = 0; i < n; ++i) v[i] = static_cast<T>(lo + static_cast<int>(i * static_cast<size_t>(stride) % span));
  return v;
}

// Nodes run as one graph: `inputs` become graph inputs (in order), `outputs`
// graph outputs; no passes, so each node runs its own kernel.
struct Nodes {
  std::vector<Node> nodes;
  std::vector<std::pair<std::string, Tensor>> inputs;
  std::vector<std::string> outputs;
  int opset = 13;

  std::vector<Tensor> run() const {
    Graph g = test::make_graph(opset);
    g.opsets["com.microsoft"] = 1;
    for (const auto& [name, t] : inputs) test::add_input(g, name, t.dtype(), to_sym_shape(t.shape()));
    g.nodes = nodes;
    for (const std::string& out : outputs) test::add_output(g, out);
    SessionOptions options;
    options.optimize = false;
    std::map<std::string, Tensor> feeds(inputs.begin(), inputs.end());
    return Session(std::move(g), options).run(feeds);
  }
};

Node onnx_node(const std::string& op, std::vector<std::string> inputs, std::vector<std::string> outputs,
               std::map<std::string, Attribute> attrs = {}, int opset = 13) {
  return test::make_node(op, op + "_node", std::move(inputs), std::move(outputs), std::move(attrs), opset);
}

Node contrib(const std::string& op, std::vector<std::string> inputs, std::vector<std::string> outputs) {
  Node n = test::make_node(op, op + "_node", std::move(inputs), std::move(outputs), {}, 1);
  n.domain = "com.microsoft";
  return n;
}

// One node, its inputs and first output.
std::vector<Tensor> run_one(Node node, std::vector<std::pair<std::string, Tensor>> inputs, int opset = 13) {
  const std::vector<std::string> outputs = node.outputs;
  return Nodes{{std::move(node)}, std::move(inputs), outputs, opset}.run();
}

std::string error_of_one(Node node, std::vector<std::pair<std::string, Tensor>> inputs, int opset = 13) {
  return test::error_of([&] { run_one(std::move(node), std::move(inputs), opset); });
}

// ---- QuantizeLinear / DequantizeLinear -----------------------------------------------------------

TEST(DequantizeLinear, PerAxisUsesEachChannelsScaleAndZeroPoint) {
  // x [2, 3, 2] uint8 along axis 1 (the default), and int8 along axis -1.
  const Tensor x = typed_tensor<uint8_t>({2, 3, 2}, {0, 255, 10, 20, 128, 129, 7, 8, 9, 10, 200, 1});
  const Tensor scale = test::float_tensor({3}, {0.5f, 0.25f, 2.0f});
  const Tensor zero_point = typed_tensor<uint8_t>({3}, {0, 10, 128});
  const std::vector<float> got =
      test::float_values(run_one(onnx_node("DequantizeLinear", {"x", "s", "z"}, {"y"}),
                                 {{"x", x}, {"s", scale}, {"z", zero_point}})[0]);
  const std::vector<uint8_t> xs = values_of<uint8_t>(x);
  for (size_t i = 0; i < xs.size(); ++i) {
    const size_t c = (i / 2) % 3;
    EXPECT_EQ(got[i], (float(xs[i]) - float(values_of<uint8_t>(zero_point)[c])) * test::float_values(scale)[c])
        << "element " << i;
  }

  const Tensor x8 = typed_tensor<int8_t>({3, 2}, {-128, 127, 0, -1, 5, -5});
  const std::vector<float> got8 = test::float_values(
      run_one(onnx_node("DequantizeLinear", {"x", "s", "z"}, {"y"}, {{"axis", test::int_attr(-1)}}),
              {{"x", x8},
               {"s", test::float_tensor({2}, {0.1f, 3.0f})},
               {"z", typed_tensor<int8_t>({2}, {-128, 1})}})[0]);
  EXPECT_EQ(got8, (std::vector<float>{0.0f * 0.1f, 126 * 3.0f, 128 * 0.1f, -2 * 3.0f, 133 * 0.1f, -6 * 3.0f}));
}

TEST(DequantizeLinear, Int32WithoutZeroPointAtOpset10) {
  const Tensor x = typed_tensor<int32_t>({4}, {-1000000, 0, 3, 2147483647});
  const std::vector<float> got = test::float_values(
      run_one(onnx_node("DequantizeLinear", {"x", "s"}, {"y"}, {}, 10), {{"x", x}, {"s", test::scalar(0.5f)}}, 10)[0]);
  EXPECT_EQ(got, (std::vector<float>{-500000.0f, 0.0f, 1.5f, static_cast<float>(2147483647.0 * 0.5)}));
}

TEST(QuantizeLinear, PerAxisRoundsHalfToEvenAndSaturates) {
  // Channel 0: scale 1, zero point 0; channel 1: scale 0.5, zero point -3; channel 2: scale 2, zero point 100.
  const Tensor x = test::float_tensor({2, 3, 4}, {0.5f, 1.5f, 2.5f, -2.5f,    // 0, 2, 2, -2
                                                  0.25f, 0.75f, -1.25f, 1e9f,  // x/s = 0.5, 1.5, -2.5, huge
                                                  5.0f, 3.0f, 1000.0f, -1000.0f,
                                                  -0.5f, 126.6f, 200.0f, -300.0f,
                                                  -65.0f, -64.0f, 62.0f, std::nanf(""),
                                                  1.0f, -1.0f, 7.0f, -7.0f});
  const Tensor scale = test::float_tensor({3}, {1.0f, 0.5f, 2.0f});
  const Tensor zero_point = typed_tensor<int8_t>({3}, {0, -3, 100});
  const std::vector<int8_t> got = values_of<int8_t>(
      run_one(onnx_node("QuantizeLinear", {"x", "s", "z"}, {"y"}), {{"x", x}, {"s", scale}, {"z", zero_point}})[0]);
  const std::vector<int8_t> want = {
      0,    2,    2,   -2,    // ties to even
      -3,   -1,   -5,  127,   // 0, 2, -2 each less 3; saturated
      102,  102,  127, -128,  // 2.5 -> 2, 1.5 -> 2, plus 100; saturated
      0,    127,  127, -128,  // -0.5 -> 0; 126.6 -> 127; saturated
      -128, -128, 121, -3,    // -130 - 3 and -128 - 3 saturate; NaN gives the zero point
      100,  100,  104, 96};   // 0.5 -> 0, -0.5 -> 0, 3.5 -> 4, -3.5 -> -4, plus 100
  EXPECT_EQ(got, want);
}

TEST(QuantizeLinear, DefaultsToUint8AndQuantizesInt32) {
  const Tensor x = typed_tensor<int32_t>({5}, {-7, 0, 5, 7, 1000});
  const std::vector<Tensor> out = run_one(onnx_node("QuantizeLinear", {"x", "s"}, {"y"}, {}, 10),
                                          {{"x", x}, {"s", test::scalar(2.0f)}}, 10);
  ASSERT_EQ(out[0].dtype(), DType::kUint8);
  EXPECT_EQ(values_of<uint8_t>(out[0]), (std::vector<uint8_t>{0, 0, 2, 4, 255}));  // -3.5 saturates; 2.5 -> 2, 3.5 -> 4
}

TEST(QuantizeLinear, RefusesPerAxisAtOpset10AndMismatchedParameters) {
  const Tensor x = test::random_tensor({2, 3}, 1);
  EXPECT_TRUE(test::Contains(error_of_one(onnx_node("QuantizeLinear", {"x", "s"}, {"y"}, {}, 10),
                                          {{"x", x}, {"s", test::float_tensor({3}, {1, 1, 1})}}, 10),
                             "y_scale must be a scalar at opset 10 (per-axis quantization needs opset 13), "
                             "got shape [3]"));
  EXPECT_TRUE(test::Contains(error_of_one(onnx_node("QuantizeLinear", {"x", "s"}, {"y"}),
                                          {{"x", x}, {"s", test::float_tensor({2}, {1, 1})}}),
                             "y_scale has 2 elements, x has 3 along axis 1 [2,3]"));
  EXPECT_TRUE(test::Contains(error_of_one(onnx_node("QuantizeLinear", {"x", "s", "z"}, {"y"}),
                                          {{"x", x}, {"s", test::float_tensor({3}, {1, 1, 1})},
                                           {"z", typed_tensor<uint8_t>({}, {0})}}),
                             "y_zero_point has shape [], y_scale [3]; they must match"));
  EXPECT_TRUE(test::Contains(error_of_one(onnx_node("QuantizeLinear", {"x", "s", "z"}, {"y"}),
                                          {{"x", x}, {"s", test::scalar(1)}, {"z", typed_tensor<int32_t>({}, {0})}}),
                             "input 'y_zero_point' has unsupported dtype int32"));
  EXPECT_TRUE(test::Contains(error_of_one(onnx_node("DequantizeLinear", {"x", "s", "z"}, {"y"}),
                                          {{"x", typed_tensor<uint8_t>({2}, {1, 2})}, {"s", test::scalar(1)},
                                           {"z", typed_tensor<int8_t>({}, {0})}}),
                             "x_zero_point must have the dtype of x (uint8), got int8"));
  EXPECT_TRUE(test::Contains(error_of_one(onnx_node("DequantizeLinear", {"x", "s"}, {"y"}),
                                          {{"x", x}, {"s", test::scalar(1)}}),
                             "input 'x' has unsupported dtype float"));
}

// ---- DynamicQuantizeLinear --------------------------------------------------------------------

TEST(DynamicQuantizeLinear, RangeIncludesZeroAndAllZerosGetScaleOne) {
  // All positive: the range is [0, 5.1], scale 0.02, zero point 0.
  const std::vector<Tensor> positive =
      run_one(onnx_node("DynamicQuantizeLinear", {"x"}, {"y", "s", "z"}, {}, 11),
              {{"x", test::float_tensor({4}, {1.0f, 5.1f, 0.03f, 2.55f})}}, 11);
  const float scale = 5.1f / 255.0f;
  EXPECT_EQ(test::float_values(positive[1]), std::vector<float>{scale});
  EXPECT_EQ(values_of<uint8_t>(positive[2]), std::vector<uint8_t>{0});
  std::vector<uint8_t> want;
  for (float v : {1.0f, 5.1f, 0.03f, 2.55f}) want.push_back(static_cast<uint8_t>(std::nearbyint(v / scale)));
  EXPECT_EQ(values_of<uint8_t>(positive[0]), want);

  const std::vector<Tensor> zeros = run_one(onnx_node("DynamicQuantizeLinear", {"x"}, {"y", "s", "z"}, {}, 11),
                                            {{"x", test::float_tensor({3}, {0, 0, 0})}}, 11);
  EXPECT_EQ(test::float_values(zeros[1]), std::vector<float>{1.0f});
  EXPECT_EQ(values_of<uint8_t>(zeros[2]), std::vector<uint8_t>{0});
  EXPECT_EQ(values_of<uint8_t>(zeros[0]), (std::vector<uint8_t>{0, 0, 0}));
}

// ---- MatMulInteger ----------------------------------------------------------------------------

// sum_k (A[b, m, k] - za(b, m)) * (B[b, k, n] - zb(b, n)) in int64, A [batch, M, K] and B
// [batch, K, N] of int element values (batch already expanded), zero points given per element.
std::vector<int64_t> integer_product(const std::vector<int>& a, const std::vector<int>& b, int batch, int m, int k,
                                     int n, const std::function<int(int, int)>& za,
                                     const std::function<int(int, int)>& zb) {
  std::vector<int64_t> y;
  for (int p = 0; p < batch; ++p)
    for (int i = 0; i < m; ++i)
      for (int j = 0; j < n; ++j) {
        int64_t sum = 0;
        for (int q = 0; q < k; ++q)
          sum += int64_t(a[(p * m + i) * k + q] - za(p, i)) * (b[(p * k + q) * n + j] - zb(p, j));
        y.push_back(sum);
      }
  return y;
}

template <class T>
std::vector<int> ints(const Tensor& t) {
  const std::vector<T> v = values_of<T>(t);
  return std::vector<int>(v.begin(), v.end());
}

TEST(MatMulInteger, Int8AWithPerColumnZeroPointsOfB) {
  // A int8 [2, 3, 4] (batched, zero point -5); B uint8 [4, 5] shared, a zero point per column.
  const Tensor a = typed_tensor<int8_t>({2, 3, 4}, ramp<int8_t>(24, -128, 127, 37));
  const Tensor b = typed_tensor<uint8_t>({4, 5}, ramp<uint8_t>(20, 0, 255, 71));
  const Tensor za = typed_tensor<int8_t>({}, {-5});
  const Tensor zb = typed_tensor<uint8_t>({5}, {0, 128, 255, 3, 77});
  const std::vector<Tensor> out =
      run_one(onnx_node("MatMulInteger", {"a", "b", "za", "zb"}, {"y"}), {{"a", a}, {"b", b}, {"za", za}, {"zb", zb}});
  ASSERT_EQ(out[0].dtype(), DType::kInt32);
  EXPECT_EQ(out[0].shape(), (Shape{2, 3, 5}));
  std::vector<int> b2 = ints<uint8_t>(b);
  b2.insert(b2.end(), b2.begin(), b2.end());  // the batch of B, broadcast
  const std::vector<int> zbs = ints<uint8_t>(zb);
  const std::vector<int64_t> want =
      integer_product(ints<int8_t>(a), b2, 2, 3, 4, 5, [](int, int) { return -5; }, [&](int, int j) { return zbs[j]; });
  const std::vector<int32_t> got = values_of<int32_t>(out[0]);
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i]) << "element " << i;
}

TEST(MatMulInteger, PerRowZeroPointsOfAAndBatchedPerColumnOfB) {
  // A uint8 [3, 4] with a zero point per row; B int8 [2, 4, 5] with zero points [2, 1, 5].
  const Tensor a = typed_tensor<uint8_t>({3, 4}, ramp<uint8_t>(12, 0, 255, 97));
  const Tensor b = typed_tensor<int8_t>({2, 4, 5}, ramp<int8_t>(40, -128, 127, 53));
  const Tensor za = typed_tensor<uint8_t>({3}, {0, 200, 9});
  const Tensor zb = typed_tensor<int8_t>({2, 1, 5}, {-128, 127, 0, 1, -1, 5, 6, 7, -8, 9});
  const std::vector<Tensor> out =
      run_one(onnx_node("MatMulInteger", {"a", "b", "za", "zb"}, {"y"}), {{"a", a}, {"b", b}, {"za", za}, {"zb", zb}});
  EXPECT_EQ(out[0].shape(), (Shape{2, 3, 5}));
  std::vector<int> a2 = ints<uint8_t>(a);
  a2.insert(a2.end(), a2.begin(), a2.end());
  const std::vector<int> zas = ints<uint8_t>(za), zbs = ints<int8_t>(zb);
  const std::vector<int64_t> want = integer_product(
      a2, ints<int8_t>(b), 2, 3, 4, 5, [&](int, int i) { return zas[i]; },
      [&](int p, int j) { return zbs[p * 5 + j]; });
  const std::vector<int32_t> got = values_of<int32_t>(out[0]);
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i], want[i]) << "element " << i;
}

TEST(MatMulInteger, RefusesWrongDtypesAndZeroPointShapes) {
  const Tensor a = typed_tensor<uint8_t>({3, 4}, ramp<uint8_t>(12, 0, 255, 5));
  const Tensor b = typed_tensor<int8_t>({4, 5}, ramp<int8_t>(20, -128, 127, 5));
  const Node node = onnx_node("MatMulInteger", {"a", "b", "za", "zb"}, {"y"});
  EXPECT_TRUE(test::Contains(
      error_of_one(onnx_node("MatMulInteger", {"a", "b"}, {"y"}), {{"a", test::random_tensor({3, 4}, 1)}, {"b", b}}),
      "MatMulInteger node 'MatMulInteger_node' (domain 'ai.onnx', opset 13): input 'A' has unsupported dtype float"));
  EXPECT_TRUE(test::Contains(error_of_one(node, {{"a", a},
                                                 {"b", b},
                                                 {"za", typed_tensor<uint8_t>({}, {1})},
                                                 {"zb", typed_tensor<int8_t>({3}, {0, 0, 0})}}),
                             "b_zero_point has shape [3]; expected one element or one per column of B [4,5] "
                             "(shape [5] or [..., 1, 5])"));
  EXPECT_TRUE(test::Contains(error_of_one(node, {{"a", a},
                                                 {"b", b},
                                                 {"za", typed_tensor<uint8_t>({3, 4}, ramp<uint8_t>(12, 0, 9, 1))},
                                                 {"zb", typed_tensor<int8_t>({}, {0})}}),
                             "a_zero_point has shape [3,4]; expected one element or one per row of A [3,4] "
                             "(shape [3] or [..., 3, 1])"));
  EXPECT_TRUE(test::Contains(error_of_one(node, {{"a", a},
                                                 {"b", b},
                                                 {"za", typed_tensor<int8_t>({}, {1})},
                                                 {"zb", typed_tensor<int8_t>({}, {0})}}),
                             "a_zero_point must have the dtype of A (uint8), got int8"));
  EXPECT_TRUE(test::Contains(error_of_one(onnx_node("MatMulInteger", {"a", "b"}, {"y"}),
                                          {{"a", a}, {"b", typed_tensor<int8_t>({5, 4}, ramp<int8_t>(20, -1, 1, 1))}}),
                             "inner dimensions differ: A [3,4], B [5,4]"));
}

// ---- QLinearMatMul ----------------------------------------------------------------------------

TEST(QLinearMatMul, PerRowAndPerColumnScalesRequantize) {
  // a uint8 [2, 3] (per-row scale and zero point), b int8 [3, 4] (per column), y int8.
  const Tensor a = typed_tensor<uint8_t>({2, 3}, {0, 255, 17, 100, 3, 250});
  const Tensor a_scale = test::float_tensor({2}, {0.02f, 0.05f});
  const Tensor a_zero = typed_tensor<uint8_t>({2}, {128, 3});
  const Tensor b = typed_tensor<int8_t>({3, 4}, {-128, 127, 0, 5, 64, -64, 33, -1, 1, 2, 3, -100});
  const Tensor b_scale = test::float_tensor({4}, {0.01f, 0.1f, 0.003f, 0.02f});
  const Tensor b_zero = typed_tensor<int8_t>({4}, {0, -1, 2, 0});
  const Tensor y_scale = test::scalar(0.04f);
  const Tensor y_zero = typed_tensor<int8_t>({}, {-10});
  const std::vector<Tensor> out = run_one(
      onnx_node("QLinearMatMul", {"a", "as", "az", "b", "bs", "bz", "ys", "yz"}, {"y"}, {}, 10),
      {{"a", a}, {"as", a_scale}, {"az", a_zero}, {"b", b}, {"bs", b_scale}, {"bz", b_zero},
       {"ys", y_scale}, {"yz", y_zero}},
      10);
  ASSERT_EQ(out[0].dtype(), DType::kInt8);
  const std::vector<int> av = ints<uint8_t>(a), bv = ints<int8_t>(b);
  const std::vector<int> azv = ints<uint8_t>(a_zero), bzv = ints<int8_t>(b_zero);
  const std::vector<int64_t> acc =
      integer_product(av, bv, 1, 2, 3, 4, [&](int, int i) { return azv[i]; }, [&](int, int j) { return bzv[j]; });
  std::vector<int8_t> want;
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 4; ++j) {
      const float multiplier = test::float_values(a_scale)[i] * test::float_values(b_scale)[j] / 0.04f;
      const float q = std::nearbyint(static_cast<float>(acc[i * 4 + j]) * multiplier) - 10.0f;
      want.push_back(static_cast<int8_t>(std::clamp(q, -128.0f, 127.0f)));
    }
  EXPECT_EQ(values_of<int8_t>(out[0]), want);
  EXPECT_TRUE(std::ranges::any_of(want, [](int8_t v) { return v == 127 || v == -128; })) << "no saturated element";
}

TEST(QLinearMatMul, RefusesPerColumnOutputScale) {
  const Tensor a = typed_tensor<uint8_t>({2, 3}, {0, 1, 2, 3, 4, 5});
  const Tensor b = typed_tensor<uint8_t>({3, 4}, ramp<uint8_t>(12, 0, 9, 1));
  EXPECT_TRUE(test::Contains(
      error_of_one(onnx_node("QLinearMatMul", {"a", "as", "az", "b", "bs", "bz", "ys", "yz"}, {"y"}, {}, 10),
                   {{"a", a}, {"as", test::scalar(1)}, {"az", typed_tensor<uint8_t>({}, {0})}, {"b", b},
                    {"bs", test::scalar(1)}, {"bz", typed_tensor<uint8_t>({}, {0})},
                    {"ys", test::float_tensor({4}, {1, 1, 1, 1})}, {"yz", typed_tensor<uint8_t>({}, {0})}},
                   10),
      "y_scale must have one element (y is quantized per tensor), got shape [4]"));
}

// ---- com.microsoft DynamicQuantizeMatMul and MatMulIntegerToFloat -------------------------------

// What ONNX Runtime's quantizer writes for a quantized MatMul with bias:
//   (qa, sa, za) = DynamicQuantizeLinear(A); acc = MatMulInteger(qa, B, za, zb)
//   Y = Cast(acc) * Mul(sa, b_scale) + bias
Nodes quantizer_graph(const Tensor& a, const Tensor& b, const Tensor& b_scale, const Tensor& b_zero,
                      const Tensor& bias) {
  return Nodes{{onnx_node("DynamicQuantizeLinear", {"a"}, {"qa", "sa", "za"}),
                onnx_node("MatMulInteger", {"qa", "b", "za", "bz"}, {"acc"}),
                onnx_node("Cast", {"acc"}, {"acc_f"}, {{"to", test::int_attr(static_cast<int>(DType::kFloat))}}),
                onnx_node("Mul", {"sa", "bs"}, {"scale"}), onnx_node("Mul", {"acc_f", "scale"}, {"product"}),
                onnx_node("Add", {"product", "bias"}, {"y"})},
               {{"a", a}, {"b", b}, {"bs", b_scale}, {"bz", b_zero}, {"bias", bias}},
               {"y"}};
}

TEST(ContribDynamicQuantizeMatMul, EqualsTheQuantizersGraph) {
  const Tensor a = test::random_tensor({2, 3, 7}, 11, 3.0f);
  const Tensor bias = test::random_tensor({5}, 12);
  // uint8 B with per-column scales and zero points; int8 B per tensor.
  const Tensor b_u8 = typed_tensor<uint8_t>({7, 5}, ramp<uint8_t>(35, 0, 255, 73));
  const Tensor b_i8 = typed_tensor<int8_t>({7, 5}, ramp<int8_t>(35, -127, 127, 59));
  const Tensor scales = test::float_tensor({5}, {0.01f, 0.02f, 0.005f, 0.1f, 0.0333f});
  const Tensor u8_zeros = typed_tensor<uint8_t>({5}, {0, 128, 255, 7, 99});
  const struct {
    Tensor b, scale, zero;
  } cases[] = {{b_u8, scales, u8_zeros}, {b_i8, test::scalar(0.0123f), typed_tensor<int8_t>({}, {0})}};
  for (const auto& c : cases) {
    const std::vector<float> want = test::float_values(quantizer_graph(a, c.b, c.scale, c.zero, bias).run()[0]);
    const std::vector<Tensor> got =
        run_one(contrib("DynamicQuantizeMatMul", {"a", "b", "bs", "bz", "bias"}, {"y"}),
                {{"a", a}, {"b", c.b}, {"bs", c.scale}, {"bz", c.zero}, {"bias", bias}});
    EXPECT_EQ(got[0].shape(), (Shape{2, 3, 5}));
    EXPECT_EQ(test::float_values(got[0]), want) << "B " << dtype_name(c.b.dtype());
  }
  // Without zero point and bias: the graph with zero point 0 and bias 0.
  const std::vector<float> want =
      test::float_values(quantizer_graph(a, b_i8, scales, typed_tensor<int8_t>({}, {0}),
                                         test::float_tensor({5}, {0, 0, 0, 0, 0})).run()[0]);
  EXPECT_EQ(test::float_values(
                run_one(contrib("DynamicQuantizeMatMul", {"a", "b", "bs"}, {"y"}),
                        {{"a", a}, {"b", b_i8}, {"bs", scales}})[0]),
            want);
}

TEST(ContribMatMulIntegerToFloat, EqualsMatMulIntegerCastMulAdd) {
  const Tensor a = typed_tensor<uint8_t>({2, 3, 6}, ramp<uint8_t>(36, 0, 255, 41));
  const Tensor b = typed_tensor<int8_t>({6, 4}, ramp<int8_t>(24, -128, 127, 67));
  const Tensor a_scale = test::scalar(0.037f);
  const Tensor a_zero = typed_tensor<uint8_t>({}, {131});
  const Tensor b_scale = test::float_tensor({4}, {0.02f, 0.001f, 0.3f, 0.04f});
  const Tensor b_zero = typed_tensor<int8_t>({4}, {0, -3, 4, 127});
  const Tensor bias = test::random_tensor({4}, 13);
  const std::vector<float> want =
      test::float_values(Nodes{{onnx_node("MatMulInteger", {"a", "b", "az", "bz"}, {"acc"}),
                                onnx_node("Cast", {"acc"}, {"acc_f"}, {{"to", test::int_attr(1)}}),
                                onnx_node("Mul", {"as", "bs"}, {"scale"}), onnx_node("Mul", {"acc_f", "scale"}, {"p"}),
                                onnx_node("Add", {"p", "bias"}, {"y"})},
                               {{"a", a}, {"b", b}, {"as", a_scale}, {"bs", b_scale}, {"az", a_zero}, {"bz", b_zero},
                                {"bias", bias}},
                               {"y"}}
                             .run()[0]);
  const std::vector<std::pair<std::string, Tensor>> inputs = {
      {"a", a}, {"b", b}, {"as", a_scale}, {"bs", b_scale}, {"az", a_zero}, {"bz", b_zero}, {"bias", bias}};
  const std::vector<Tensor> got =
      run_one(contrib("MatMulIntegerToFloat", {"a", "b", "as", "bs", "az", "bz", "bias"}, {"y"}), inputs);
  EXPECT_EQ(got[0].shape(), (Shape{2, 3, 4}));
  EXPECT_EQ(test::float_values(got[0]), want);
  // B's per-column scale in the a_scale slot (as ONNX Runtime's fusion may write it) is still per column.
  EXPECT_EQ(test::float_values(
                run_one(contrib("MatMulIntegerToFloat", {"a", "b", "bs", "as", "az", "bz", "bias"}, {"y"}), inputs)[0]),
            want);
}

TEST(ContribQuantizedMatMuls, RefuseBadInputs) {
  const Tensor a = test::random_tensor({3, 4}, 1);
  const Tensor b = typed_tensor<int8_t>({4, 5}, ramp<int8_t>(20, -9, 9, 4));
  EXPECT_TRUE(test::Contains(
      error_of_one(contrib("DynamicQuantizeMatMul", {"a", "b", "bs"}, {"y"}),
                   {{"a", typed_tensor<uint8_t>({3, 4}, ramp<uint8_t>(12, 0, 9, 1))},
                    {"b", b},
                    {"bs", test::scalar(1)}}),
      "DynamicQuantizeMatMul node 'DynamicQuantizeMatMul_node' (domain 'com.microsoft', opset 1): input 'A' has "
      "unsupported dtype uint8"));
  EXPECT_TRUE(test::Contains(
      error_of_one(contrib("DynamicQuantizeMatMul", {"a", "b", "bs"}, {"y"}),
                   {{"a", a}, {"b", test::random_tensor({4, 5}, 2)}, {"bs", test::scalar(1)}}),
      "input 'B' has unsupported dtype float"));
  EXPECT_TRUE(test::Contains(error_of_one(contrib("DynamicQuantizeMatMul", {"a", "b", "bs"}, {"y"}),
                                          {{"a", a}, {"b", b}, {"bs", test::float_tensor({4}, {1, 1, 1, 1})}}),
                             "b_scale has shape [4]; expected one element or one per column of B [4,5]"));
  EXPECT_TRUE(test::Contains(error_of_one(contrib("DynamicQuantizeMatMul", {"a", "b", "bs", "bz"}, {"y"}),
                                          {{"a", a}, {"b", b}, {"bs", test::scalar(1)},
                                           {"bz", typed_tensor<uint8_t>({5}, {0, 0, 0, 0, 0})}}),
                             "b_zero_point must have the dtype of B (int8), got uint8"));
  EXPECT_TRUE(test::Contains(error_of_one(contrib("DynamicQuantizeMatMul", {"a", "b", "bs", "", "bias"}, {"y"}),
                                          {{"a", a}, {"b", b}, {"bs", test::scalar(1)},
                                           {"bias", test::float_tensor({4}, {0, 0, 0, 0})}}),
                             "bias length vs B's columns: 4 vs 5"));
  const Tensor qa = typed_tensor<uint8_t>({3, 4}, ramp<uint8_t>(12, 0, 9, 1));
  EXPECT_TRUE(test::Contains(
      error_of_one(contrib("MatMulIntegerToFloat", {"a", "b", "as", "bs"}, {"y"}),
                   {{"a", qa}, {"b", b}, {"as", test::float_tensor({3}, {1, 1, 1})}, {"bs", test::scalar(1)}}),
      "a_scale has shape [3]; expected one element, one per row of A [3,4] (shape [..., 3, 1]; a 1-D scale is per "
      "column) or one per column of B [4,5] (shape [5] or [..., 1, 5])"));
  EXPECT_TRUE(test::Contains(
      error_of_one(contrib("MatMulIntegerToFloat", {"a", "b", "as", "bs"}, {"y"}),
                   {{"a", qa}, {"b", b}, {"as", typed_tensor<int32_t>({}, {1})}, {"bs", test::scalar(1)}}),
      "input 'a_scale' has unsupported dtype int32"));
}

}  // namespace
}  // namespace xenc
