// make_pre_tokenizer: the pre-tokenizers of tokenizer.json
// (BertPreTokenizer, ByteLevel, Metaspace, Whitespace, WhitespaceSplit,
// Split, Punctuation, Digits, Sequence). Each stage replaces every piece by
// the pieces it cuts it into; empty pieces are dropped, as in HF.
#include "runtime/tokenizer/byte_level.h"
#include "runtime/tokenizer/components.h"
#include "runtime/tokenizer/json_access.h"
#include "runtime/tokenizer/onig_regex.h"
#include "runtime/tokenizer/splitting.h"
#include "runtime/tokenizer/unicode.h"

namespace xenc {

namespace {

using namespace json_access;

// Replaces every piece by what `split_one(piece, out)` appends for it. HF
// never keeps an empty piece, so an empty piece is dropped, not split.
template <typename SplitOne>
void split_each(std::vector<std::string>& pieces, SplitOne split_one) {
  std::vector<std::string> out;
  out.reserve(pieces.size() * 2);
  for (std::string& piece : pieces)
    if (!piece.empty()) split_one(piece, out);
  pieces.swap(out);
}

// Splits at every character a predicate picks (WhitespaceSplit, Punctuation, Digits).
template <bool (*IsDelimiter)(char32_t)>
class CharSplit : public PreTokenizer {
 public:
  explicit CharSplit(SplitBehavior behavior) : behavior_(behavior) {}

  void pre_tokenize(std::vector<std::string>& pieces, bool) const override {
    std::vector<Run> runs;
    split_each(pieces, [&](const std::string& piece, std::vector<std::string>& out) {
      runs_from_chars(piece, IsDelimiter, runs);
      append_split(piece, runs, behavior_, out);
    });
  }

 private:
  SplitBehavior behavior_;
};

using WhitespaceSplit = CharSplit<unicode::is_whitespace>;
using Punctuation = CharSplit<unicode::is_punctuation>;
using Digits = CharSplit<unicode::is_numeric>;

// BERT's basic tokenization: drop whitespace, isolate each punctuation mark.
// One pass does HF's two splits (whitespace removed, then punctuation isolated).
class BertPreTokenizer : public PreTokenizer {
 public:
  void pre_tokenize(std::vector<std::string>& pieces, bool) const override {
    split_each(pieces, [](const std::string& piece, std::vector<std::string>& out) {
      size_t word_start = 0;
      for (size_t pos = 0; pos < piece.size();) {
        const size_t start = pos;
        const char32_t c = unicode::next_code_point(piece, pos);
        const bool space = unicode::is_whitespace(c);
        if (!space && !unicode::is_punctuation(c)) continue;
        if (word_start < start) out.emplace_back(piece, word_start, start - word_start);
        if (!space) out.emplace_back(piece, start, pos - start);
        word_start = pos;
      }
      if (word_start < piece.size()) out.emplace_back(piece, word_start);
    });
  }
};

// \w+|[^\w\s]+ (Rust regex classes), keeping the matches: runs of word
// characters and runs of other non-space characters.
class Whitespace : public PreTokenizer {
 public:
  void pre_tokenize(std::vector<std::string>& pieces, bool) const override {
    enum class Kind { Space, Word, Other };
    split_each(pieces, [](const std::string& piece, std::vector<std::string>& out) {
      size_t run_start = 0;
      Kind run_kind = Kind::Space;
      for (size_t pos = 0; pos < piece.size();) {
        const size_t start = pos;
        const char32_t c = unicode::next_code_point(piece, pos);
        const Kind kind = unicode::is_regex_word(c) ? Kind::Word : unicode::is_whitespace(c) ? Kind::Space : Kind::Other;
        if (kind == run_kind) continue;
        if (run_kind != Kind::Space) out.emplace_back(piece, run_start, start - run_start);
        run_start = start;
        run_kind = kind;
      }
      if (run_kind != Kind::Space) out.emplace_back(piece, run_start);
    });
  }
};

class Split : public PreTokenizer {
 public:
  Split(OnigRegex pattern, SplitBehavior behavior, bool invert)
      : pattern_(std::move(pattern)), behavior_(behavior), invert_(invert) {}

  void pre_tokenize(std::vector<std::string>& pieces, bool) const override {
    std::vector<ByteRange> matches;
    std::vector<Run> runs;
    split_each(pieces, [&](std::string& piece, std::vector<std::string>& out) {
      matches.clear();
      pattern_.find_all(piece, matches);
      runs_from_matches(piece.size(), matches, invert_, runs);
      append_split(piece, runs, behavior_, out);
    });
  }

 private:
  OnigRegex pattern_;
  SplitBehavior behavior_;
  bool invert_;
};

enum class PrependScheme { Always, First, Never };

// SentencePiece's whitespace handling: spaces become the replacement
// character (U+2581 "▁"), which is prepended to a piece and then starts
// every piece it splits into.
class Metaspace : public PreTokenizer {
 public:
  Metaspace(std::string replacement, PrependScheme prepend_scheme, bool split)
      : replacement_(std::move(replacement)),
        replacement_char_(unicode::decode(replacement_).front()),
        prepend_scheme_(prepend_scheme),
        split_(split) {}

  void pre_tokenize(std::vector<std::string>& pieces, bool starts_text) const override {
    std::erase(pieces, std::string());
    for (size_t i = 0; i < pieces.size(); ++i) {
      std::string& piece = pieces[i];
      std::string replaced;
      replaced.reserve(piece.size() + replacement_.size());
      for (char ch : piece) {
        if (ch == ' ')
          replaced += replacement_;
        else
          replaced += ch;
      }
      const bool prepend = prepend_scheme_ == PrependScheme::Always ||
                           (prepend_scheme_ == PrependScheme::First && i == 0 && starts_text);
      if (prepend && !replaced.starts_with(replacement_)) replaced.insert(0, replacement_);
      piece.swap(replaced);
    }
    if (!split_) return;
    std::vector<Run> runs;
    split_each(pieces, [&](const std::string& piece, std::vector<std::string>& out) {
      runs_from_chars(piece, [this](char32_t c) { return c == replacement_char_; }, runs);
      append_split(piece, runs, SplitBehavior::MergedWithNext, out);
    });
  }

 private:
  std::string replacement_;
  char32_t replacement_char_;
  PrependScheme prepend_scheme_;
  bool split_;
};

class Sequence : public PreTokenizer {
 public:
  explicit Sequence(std::vector<std::unique_ptr<PreTokenizer>> stages) : stages_(std::move(stages)) {}
  void pre_tokenize(std::vector<std::string>& pieces, bool starts_text) const override {
    for (const auto& stage : stages_) stage->pre_tokenize(pieces, starts_text);
  }

 private:
  std::vector<std::unique_ptr<PreTokenizer>> stages_;
};

std::unique_ptr<PreTokenizer> make_metaspace(const Json& j, const std::string& where) {
  const std::string at = path(where, "replacement");
  const std::string replacement = string_member(j, "replacement", where);
  if (unicode::decode(replacement).size() != 1)
    fail(at, "expected a single character, got \"" + replacement + "\"");
  PrependScheme scheme = PrependScheme::Always;
  const std::optional<std::string> name = optional_string(j, "prepend_scheme", where);
  if (name) {
    if (*name == "always")
      scheme = PrependScheme::Always;
    else if (*name == "first")
      scheme = PrependScheme::First;
    else if (*name == "never")
      scheme = PrependScheme::Never;
    else
      fail(path(where, "prepend_scheme"), "unknown prepend scheme '" + *name + "' (expected first, never or always)");
  }
  // Files from before prepend_scheme existed say add_prefix_space instead.
  // HF rejects false next to a scheme other than never; alone, false means never.
  if (!bool_member(j, "add_prefix_space", where, true)) {
    if (name && scheme != PrependScheme::Never)
      fail(path(where, "add_prefix_space"), "false does not match prepend_scheme '" + *name + "'");
    scheme = PrependScheme::Never;
  }
  return std::make_unique<Metaspace>(replacement, scheme, bool_member(j, "split", where, true));
}

}  // namespace

std::unique_ptr<PreTokenizer> make_pre_tokenizer(const Json& j, const std::string& where) {
  if (j.is_null()) return nullptr;
  const std::optional<std::string> type = type_tag(j, where);
  if (!type) fail(path(where, "type"), "missing");
  if (*type == "BertPreTokenizer") return std::make_unique<BertPreTokenizer>();
  if (*type == "ByteLevel") return make_byte_level_pre_tokenizer(j, where);
  if (*type == "Metaspace") return make_metaspace(j, where);
  if (*type == "Whitespace") return std::make_unique<Whitespace>();
  if (*type == "WhitespaceSplit") return std::make_unique<WhitespaceSplit>(SplitBehavior::Removed);
  if (*type == "Split") {
    OnigRegex pattern = read_pattern(member(j, "pattern", where), path(where, "pattern"));
    const SplitBehavior behavior = read_split_behavior(member(j, "behavior", where), path(where, "behavior"));
    return std::make_unique<Split>(std::move(pattern), behavior,
                                   as_bool(member(j, "invert", where), path(where, "invert")));
  }
  if (*type == "Punctuation") {
    const Json* behavior = optional_member(j, "behavior");
    return std::make_unique<Punctuation>(behavior ? read_split_behavior(*behavior, path(where, "behavior"))
                                                  : SplitBehavior::Isolated);
  }
  if (*type == "Digits") {
    const bool individual = as_bool(member(j, "individual_digits", where), path(where, "individual_digits"));
    return std::make_unique<Digits>(individual ? SplitBehavior::Isolated : SplitBehavior::Contiguous);
  }
  if (*type == "Sequence") return std::make_unique<Sequence>(read_stages(j, "pretokenizers", where, make_pre_tokenizer));
  fail(path(where, "type"), "unknown pre-tokenizer '" + *type + "'");
}

}  // namespace xenc
