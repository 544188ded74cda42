// Planned runs (session.h): once a session has seen the same input shapes
// twice in a row it runs them from a memory plan; results must not change.
#include <gtest/gtest.h>

#include <filesystem>

#include "runtime/session.h"
#include "test_data_feeds.h"

namespace xenc {
namespace {

namespace fs = std::filesystem;

const fs::path kModels = fs::path(XENC_TEST_DATA_DIR) / "fixtures" / "real_exports";

std::vector<float> floats(const Tensor& t) { return {t.data<float>(), t.data<float>() + t.numel()}; }

class SessionPlan : public testing::TestWithParam<std::string> {};

TEST_P(SessionPlan, PlannedRunsGiveTheSameResultsAsArenaRuns) {
  const fs::path dir = kModels / GetParam();
  for (const bool reference : {true, false}) {
    const auto session = Session::load(dir / "model.onnx", {.reference_kernels = reference});
    for (const char* set : {"test_data_set_1", "test_data_set_3"}) {
      const auto feeds = test::read_test_feeds(dir / set);
      const std::vector<float> first = floats(session->run(feeds).at(0));  // arena
      for (int run = 0; run < 4; ++run)  // the second run records a plan, later ones use it
        EXPECT_EQ(floats(session->run(feeds).at(0)), first) << set << " run " << run << " reference " << reference;
    }
    // Other shapes in between leave the plan and come back to it.
    const auto a = test::read_test_feeds(dir / "test_data_set_0"), b = test::read_test_feeds(dir / "test_data_set_2");
    const std::vector<float> a_first = floats(session->run(a).at(0)), b_first = floats(session->run(b).at(0));
    for (int run = 0; run < 3; ++run) {
      EXPECT_EQ(floats(session->run(a).at(0)), a_first);
      EXPECT_EQ(floats(session->run(a).at(0)), a_first);
      EXPECT_EQ(floats(session->run(b).at(0)), b_first);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(RealExports, SessionPlan,
                         testing::Values("bert_opset17", "roberta_opset14", "xlm_roberta_opset17", "electra_opset17"));

}  // namespace
}  // namespace xenc
