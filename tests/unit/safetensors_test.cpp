#include <gtest/gtest.h>

#include "exporter/safetensors.h"
#include "graph_builders.h"
#include "safetensors_bytes.h"
#include "temp_dir.h"

namespace xenc {
namespace {

using test::error_of;
using test::safetensors_bytes;
using test::TempDir;

// An entry's JSON: {"dtype": .., "shape": .., "data_offsets": [begin, end]}.
std::string entry_json(const std::string& dtype, const std::string& shape, size_t begin, size_t end) {
  return "{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":[" + std::to_string(begin) + "," +
         std::to_string(end) + "]}";
}

class SafetensorsTest : public ::testing::Test {
 protected:
  // The error opening a file of these bytes, without the "<path>: " prefix
  // (checked here once: every message starts with the file).
  std::string open_error(const std::string& bytes) {
    const std::filesystem::path file = dir_.write("bad.safetensors", bytes);
    const std::string message = error_of([&] { SafetensorsFile::open(file); });
    const std::string prefix = file.string() + ": ";
    EXPECT_EQ(message.rfind(prefix, 0), 0u) << message;
    return message.substr(std::min(prefix.size(), message.size()));
  }
  // A header holding the named entries, as JSON text.
  static std::string header(const std::vector<std::pair<std::string, std::string>>& entries) {
    std::string text = "{";
    for (const auto& [name, json] : entries)
      text.append(text.size() > 1 ? "," : "").append("\"" + name + "\":").append(json);
    return text + "}";
  }

  TempDir dir_;
};

TEST_F(SafetensorsTest, ReadsF32F16AndBf16AsFloat) {
  const std::vector<uint16_t> half = {0x3C00, 0xC000, 0x3800};  // 1, -2, 0.5
  const std::vector<uint16_t> bfloat = {0x3F80, 0xC040};         // 1, -3
  const std::string bytes = safetensors_bytes({test::f32_entry("w", {2, 2}, {1, 2, 3, 4}),
                                               {"h", "F16", {3}, test::raw_bytes(half)},
                                               {"b", "BF16", {2}, test::raw_bytes(bfloat)},
                                               {"empty", "F32", {0, 4}, ""}});
  const SafetensorsFile file = SafetensorsFile::open(dir_.write("ok.safetensors", bytes));
  EXPECT_EQ(file.metadata().at("format"), "pt");
  ASSERT_EQ(file.entries().size(), 4u);
  EXPECT_EQ(file.entries().at("h").dtype, "F16");
  EXPECT_EQ(test::float_values(file.read_float("w")), (std::vector<float>{1, 2, 3, 4}));
  EXPECT_EQ(file.read_float("w").shape(), (Shape{2, 2}));
  EXPECT_EQ(test::float_values(file.read_float("h")), (std::vector<float>{1, -2, 0.5f}));
  EXPECT_EQ(test::float_values(file.read_float("b")), (std::vector<float>{1, -3}));
  EXPECT_EQ(file.read_float("empty").shape(), (Shape{0, 4}));
}

TEST_F(SafetensorsTest, OtherDtypesAndMissingNamesAreClearErrors) {
  const std::vector<int64_t> ids = {0, 1, 2};
  const std::filesystem::path path =
      dir_.write("ids.safetensors", safetensors_bytes({{"position_ids", "I64", {1, 3}, test::raw_bytes(ids)}}));
  const SafetensorsFile file = SafetensorsFile::open(path);
  EXPECT_TRUE(file.contains("position_ids"));
  EXPECT_EQ(error_of([&] { file.read_float("position_ids"); }),
            path.string() +
                ": tensor 'position_ids' has dtype I64; only F32, F16 and BF16 tensors can be read as float");
  EXPECT_EQ(error_of([&] { file.read_float("weight"); }), path.string() + ": no tensor 'weight'");
}

TEST_F(SafetensorsTest, TruncatedFiles) {
  EXPECT_EQ(open_error(""), "truncated: 0 bytes, too short for the 8-byte header length");
  EXPECT_EQ(open_error(std::string("\x10\x00\x00", 3)), "truncated: 3 bytes, too short for the 8-byte header length");
  std::string bytes = safetensors_bytes("{}", "");
  bytes[0] = 100;  // the header length says 100 bytes, 2 follow
  EXPECT_EQ(open_error(bytes), "header length 100 runs past the end of the file (10 bytes)");
}

TEST_F(SafetensorsTest, MalformedHeaders) {
  EXPECT_EQ(open_error(safetensors_bytes("{\"a\": ", "")).rfind("the header is not valid JSON: parse error", 0), 0u);
  EXPECT_EQ(open_error(safetensors_bytes("{\"a\": 1e999}", "")),
            "the header is not valid JSON: number overflow parsing '1e999'");
  EXPECT_EQ(open_error(safetensors_bytes("[1, 2]", "")), "the header is not a JSON object");
  const std::string a = entry_json("F32", "[2]", 0, 8);
  EXPECT_EQ(open_error(safetensors_bytes("{\"a\":" + a + ",\"a\":" + a + "}", std::string(8, '\0'))),
            "tensor 'a': named twice in the header");
  EXPECT_EQ(open_error(safetensors_bytes(header({{"a", "[1]"}}), "")),
            "tensor 'a': expected an object with dtype, shape and data_offsets");
  EXPECT_EQ(open_error(safetensors_bytes(header({{"a", "{\"dtype\":\"F32\",\"data_offsets\":[0,0]}"}}), "")),
            "tensor 'a': missing shape");
  EXPECT_EQ(open_error(safetensors_bytes(header({{"__metadata__", "{\"format\": 1}"}}), "")),
            "__metadata__.format: expected a string");
}

TEST_F(SafetensorsTest, BadDtypesAndShapes) {
  const std::string data(16, '\0');
  EXPECT_EQ(open_error(safetensors_bytes(header({{"a", entry_json("F33", "[4]", 0, 16)}}), data)),
            "tensor 'a': unknown dtype 'F33'");
  EXPECT_EQ(open_error(safetensors_bytes(header({{"a", entry_json("F32", "[-4]", 0, 16)}}), data)),
            "tensor 'a': shape must be an array of non-negative integers");
  EXPECT_EQ(open_error(safetensors_bytes(header({{"a", entry_json("F32", "[2,2]", 0, 12)}}), data)),
            "tensor 'a': data_offsets [0, 12) hold 12 bytes, but F32 [2,2] takes 16");
  EXPECT_EQ(open_error(safetensors_bytes(header({{"a", entry_json("BF16", "[4]", 0, 16)}}), data)),
            "tensor 'a': data_offsets [0, 16) hold 16 bytes, but BF16 [4] takes 8");
}

TEST_F(SafetensorsTest, OffsetsOutOfRangeOverlappingOrLeavingHoles) {
  EXPECT_EQ(open_error(safetensors_bytes(header({{"a", entry_json("F32", "[8]", 0, 32)}}), std::string(16, '\0'))),
            "tensor 'a': data_offsets [0, 32) run past the end of the data (16 bytes)");
  EXPECT_EQ(open_error(safetensors_bytes(header({{"a", entry_json("F32", "[0]", 8, 0)}}), std::string(8, '\0'))),
            "tensor 'a': data_offsets must be [begin, end] with 0 <= begin <= end");
  EXPECT_EQ(open_error(safetensors_bytes(
                header({{"a", entry_json("F32", "[4]", 0, 16)}, {"b", entry_json("F32", "[4]", 8, 24)}}),
                std::string(24, '\0'))),
            "tensor 'b': bytes [8, 24) overlap tensor 'a'");
  EXPECT_EQ(open_error(safetensors_bytes(
                header({{"a", entry_json("F32", "[2]", 0, 8)}, {"b", entry_json("F32", "[2]", 12, 20)}}),
                std::string(20, '\0'))),
            "bytes [8, 12) of the data belong to no tensor");
  EXPECT_EQ(open_error(safetensors_bytes(header({{"a", entry_json("F32", "[2]", 0, 8)}}), std::string(12, '\0'))),
            "bytes [8, 12) of the data belong to no tensor");
}

}  // namespace
}  // namespace xenc
