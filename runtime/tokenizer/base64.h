// Standard base64 with padding (RFC 4648), the encoding of the
// precompiled_charsmap field in tokenizer.json (HF serializes it with serde).
#pragma once

#include <string>
#include <string_view>

namespace xenc {

std::string encode_base64(std::string_view bytes);
// Throws xenc::Error naming `where` on a bad length or character.
std::string decode_base64(std::string_view text, const std::string& where);

}  // namespace xenc
