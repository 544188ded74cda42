// Id-for-id equality with HF tokenizers on every fixture family: for each
// tests/fixtures/tokenizers/<family>/expected.jsonl (written by
// make_tokenizer_fixtures.py from the family's tokenizer.json with
// tokenizers 0.23.3), Tokenizer::from_dir must give the same input_ids and
// token_type_ids for every case, first from the directory as it is, then from
// its legacy files alone (a copy without tokenizer.json). A divergence fails
// the test and the first ones are printed with their texts.
#include <gtest/gtest.h>

#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>

#include "runtime/tokenizer/tokenizer.h"

namespace xenc {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const fs::path kFixtures = fs::path(XENC_TEST_DATA_DIR) / "fixtures" / "tokenizers";

std::vector<std::string> families() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(kFixtures, ec))
    if (fs::exists(entry.path() / "expected.jsonl")) out.push_back(entry.path().filename().string());
  std::sort(out.begin(), out.end());
  return out;
}

struct Case {
  size_t line;
  std::string id, a;
  std::optional<std::string> b;
  size_t max_length;  // 0: none
  std::vector<int32_t> input_ids, token_type_ids;
};

std::vector<Case> read_cases(const fs::path& file) {
  std::ifstream in(file);
  if (!in) throw std::runtime_error(file.string() + ": cannot open");
  std::vector<Case> cases;
  std::string line;
  for (size_t n = 1; std::getline(in, line); ++n) {
    if (line.empty()) continue;
    try {
      const json j = json::parse(line);
      Case c{n, j.value("id", ""), j.at("a").get<std::string>(), std::nullopt, 0, {}, {}};
      if (!j.at("b").is_null()) c.b = j.at("b").get<std::string>();
      if (!j.at("max_length").is_null()) c.max_length = j.at("max_length").get<size_t>();
      c.input_ids = j.at("input_ids").get<std::vector<int32_t>>();
      c.token_type_ids = j.at("token_type_ids").get<std::vector<int32_t>>();
      cases.push_back(std::move(c));
    } catch (const json::exception& e) {
      throw std::runtime_error(file.string() + ":" + std::to_string(n) + ": " + e.what());
    }
  }
  return cases;
}

std::string ids_str(const std::vector<int32_t>& ids) { return json(ids).dump(); }

// Encodes every case; returns the number of divergences and describes the first few.
size_t compare(const Tokenizer& tokenizer, const std::vector<Case>& cases, std::string& report) {
  size_t diverging = 0;
  for (const Case& c : cases) {
    Encoding got;
    try {
      got = c.b ? tokenizer.encode_pair(c.a, *c.b, c.max_length) : tokenizer.encode(c.a, c.max_length);
    } catch (const std::exception& e) {
      got.ids = {-1};
      report += "  line " + std::to_string(c.line) + " (" + c.id + "): error: " + e.what() + "\n";
    }
    if (got.ids == c.input_ids && got.type_ids == c.token_type_ids) continue;
    if (++diverging > 5) continue;
    std::ostringstream s;
    s << "  line " << c.line << " (" << c.id << ") a=" << json(c.a).dump()
      << " b=" << (c.b ? json(*c.b).dump() : "null") << " max_length=" << c.max_length << "\n"
      << "    expected ids " << ids_str(c.input_ids) << " types " << ids_str(c.token_type_ids) << "\n"
      << "    got      ids " << ids_str(got.ids) << " types " << ids_str(got.type_ids) << "\n";
    report += s.str();
  }
  return diverging;
}

class TokenizerFixtures : public ::testing::TestWithParam<std::string> {
 protected:
  fs::path dir() const { return kFixtures / GetParam(); }
};

TEST_P(TokenizerFixtures, MatchesHfFromTokenizerJson) {
  const std::vector<Case> cases = read_cases(dir() / "expected.jsonl");
  ASSERT_FALSE(cases.empty());
  const Tokenizer tokenizer = Tokenizer::from_dir(dir());
  std::string report;
  const size_t diverging = compare(tokenizer, cases, report);
  EXPECT_EQ(diverging, 0u) << diverging << " of " << cases.size() << " cases differ from " << dir() / "expected.jsonl"
                           << ":\n" << report;
}

// The same cases from the files a directory without tokenizer.json has
// (vocab.txt, vocab.json + merges.txt, or a SentencePiece .model).
TEST_P(TokenizerFixtures, MatchesHfFromLegacyFiles) {
  const std::vector<Case> cases = read_cases(dir() / "expected.jsonl");
  const fs::path legacy = fs::temp_directory_path() / ("xenc_legacy_" + GetParam() + "_" + std::to_string(getpid()));
  fs::remove_all(legacy);
  fs::create_directories(legacy);
  for (const auto& entry : fs::directory_iterator(dir()))
    if (entry.is_regular_file() && entry.path().filename() != "tokenizer.json" &&
        entry.path().filename() != "expected.jsonl")
      fs::copy_file(entry.path(), legacy / entry.path().filename());
  std::string report;
  size_t diverging = 0;
  try {
    const Tokenizer tokenizer = Tokenizer::from_dir(legacy);
    diverging = compare(tokenizer, cases, report);
  } catch (const std::exception& e) {
    fs::remove_all(legacy);
    FAIL() << "loading the legacy files of " << dir() << ": " << e.what();
  }
  fs::remove_all(legacy);
  EXPECT_EQ(diverging, 0u) << diverging << " of " << cases.size() << " cases differ (legacy files of " << dir()
                           << "):\n" << report;
}

INSTANTIATE_TEST_SUITE_P(Families, TokenizerFixtures, ::testing::ValuesIn(families()),
                         [](const ::testing::TestParamInfo<std::string>& family) { return family.param; });

// An empty fixture directory must not pass silently.
TEST(TokenizerFixturesPresent, EveryFamilyHasCases) { EXPECT_GE(families().size(), 5u) << kFixtures; }

}  // namespace
}  // namespace xenc
