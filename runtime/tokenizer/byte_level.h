// GPT-2's byte-level pre-tokenization (HF's ByteLevel pre-tokenizer): an
// optional leading space, the GPT-2 split pattern, then every byte spelled as
// a printable character so that BPE vocabularies never see raw bytes.
#pragma once

#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "runtime/tokenizer/components.h"

namespace xenc {

std::unique_ptr<PreTokenizer> make_byte_level_pre_tokenizer(const nlohmann::json& j, const std::string& where);

}  // namespace xenc
