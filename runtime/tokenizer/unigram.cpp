// Unigram (SentencePiece vocabularies: XLM-R, DeBERTa-v3, ...): the
// segmentation of a word with the highest total piece score (Viterbi over
// byte positions), as HF's encode_optimized does it:
//  - a character that no single-character piece covers gets an unk edge
//    scored min(score) - 10, so unknown text is always segmentable;
//  - ties keep the first edge found (shorter pieces are found first);
//  - consecutive unk pieces are fused into one string, which is then looked
//    up again (and, with byte_fallback, spelled as <0xXX> byte pieces).
#include <algorithm>
#include <limits>

#include "graph/error.h"
#include "runtime/tokenizer/byte_trie.h"
#include "runtime/tokenizer/json_access.h"
#include "runtime/tokenizer/models.h"
#include "runtime/tokenizer/unicode.h"
#include "runtime/tokenizer/word_cache.h"

namespace xenc {

namespace {

using namespace json_access;

constexpr double kUnkPenalty = 10.0;

struct Piece {
  std::string text;
  double score;
};

// Piece -> id; a piece listed twice maps to its last id, as in HF's token map.
StringMap<int32_t> index_pieces(const std::vector<Piece>& pieces) {
  StringMap<int32_t> ids;
  ids.reserve(pieces.size());
  for (size_t id = 0; id < pieces.size(); ++id) ids.insert_or_assign(pieces[id].text, static_cast<int32_t>(id));
  return ids;
}

class UnigramModel final : public VocabularyModel {
 public:
  UnigramModel(std::vector<Piece> pieces, std::optional<int32_t> unk_id, bool byte_fallback, std::string where)
      : VocabularyModel(index_pieces(pieces)),
        pieces_(std::move(pieces)),
        unk_id_(unk_id),
        byte_fallback_(byte_fallback),
        where_(std::move(where)),
        byte_ids_(vocab()) {
    min_score_ = std::numeric_limits<double>::infinity();
    for (const Piece& piece : pieces_) min_score_ = std::min(min_score_, piece.score);
    std::vector<ByteTrie::Entry> entries;
    entries.reserve(vocab().size());
    for (const auto& [text, id] : vocab()) entries.push_back({text, id});
    trie_ = ByteTrie(std::move(entries));
  }

  void tokenize(std::string_view word, std::vector<int32_t>& ids) const override {
    if (word.empty()) return;
    cache_.encode(word, ids, [this](std::string_view w, std::vector<int32_t>& out) { encode(w, out); });
  }

  // Counts duplicated pieces, as HF does.
  size_t vocab_size() const override { return pieces_.size(); }

 private:
  // The best path ending at a byte position.
  struct BestPath {
    int32_t id = -1;
    double score = 0;
    int32_t starts_at = -1;  // -1: no path reaches this position yet
  };

  int32_t require_unk_id() const {
    if (!unk_id_) throw Error(path(where_, "unk_id") + ": the text has an unknown character but unk_id is null");
    return *unk_id_;
  }

  void encode(std::string_view word, std::vector<int32_t>& ids) const {
    thread_local std::vector<BestPath> best;
    best.assign(word.size() + 1, BestPath{});
    const double unk_score = min_score_ - kUnkPenalty;
    // `id` is only asked for when the edge wins: a missing unk_id is an error only if an unk piece is used.
    auto relax = [&](size_t start, size_t end, double score, auto id) {
      BestPath& target = best[end];
      const double candidate = best[start].score + score;
      if (target.starts_at < 0 || candidate > target.score) target = {id(), candidate, static_cast<int32_t>(start)};
    };
    for (size_t start = 0; start < word.size();) {
      size_t char_end = start;
      unicode::next_code_point(word, char_end);
      const size_t char_len = char_end - start;
      bool covers_char = false;
      trie_.for_each_prefix(word.substr(start), [&](size_t length, int32_t id) {
        relax(start, start + length, pieces_[static_cast<size_t>(id)].score, [id] { return id; });
        covers_char = covers_char || length == char_len;
      });
      if (!covers_char) relax(start, start + char_len, unk_score, [this] { return require_unk_id(); });
      start += char_len;
    }
    emit_best_path(word, best, ids);
  }

  // Walks the best path back from the end; runs of unk pieces are fused and looked up as one string.
  void emit_best_path(std::string_view word, const std::vector<BestPath>& best, std::vector<int32_t>& ids) const {
    thread_local std::vector<std::pair<size_t, size_t>> spans;  // [start, end) of each piece, last first
    thread_local std::vector<int32_t> span_ids;                 // its id, or -1 for a fused unk run
    spans.clear();
    span_ids.clear();
    for (size_t end = word.size(); end > 0;) {
      const BestPath& node = best[end];
      const auto start = static_cast<size_t>(node.starts_at);
      if (unk_id_ && node.id == *unk_id_) {
        if (!span_ids.empty() && span_ids.back() == -1)
          spans.back().first = start;  // extend the run leftwards
        else {
          spans.emplace_back(start, end);
          span_ids.push_back(-1);
        }
      } else {
        spans.emplace_back(start, end);
        span_ids.push_back(node.id);
      }
      end = start;
    }
    for (size_t k = spans.size(); k-- > 0;) {
      if (span_ids[k] >= 0) {
        ids.push_back(span_ids[k]);
        continue;
      }
      const std::string_view text = word.substr(spans[k].first, spans[k].second - spans[k].first);
      if (auto id = token_to_id(text)) {
        ids.push_back(*id);
      } else if (byte_fallback_ && byte_ids_.covers(text)) {
        for (char c : text) ids.push_back(byte_ids_[c]);
      } else {
        ids.push_back(require_unk_id());
      }
    }
  }

  std::vector<Piece> pieces_;
  std::optional<int32_t> unk_id_;
  bool byte_fallback_;
  std::string where_;
  ByteFallbackIds byte_ids_;
  double min_score_;
  ByteTrie trie_;
  WordCache cache_;
};

}  // namespace

std::unique_ptr<TokenModel> make_unigram_model(const Json& j, const std::string& where) {
  require_object(j, where);
  const Json& vocab = member(j, "vocab", where);
  const std::string vocab_where = path(where, "vocab");
  if (!vocab.is_array()) fail_type(vocab_where, "an array of [piece, score]", vocab);
  std::vector<Piece> pieces;
  pieces.reserve(vocab.size());
  for (size_t i = 0; i < vocab.size(); ++i) {
    const Json& entry = vocab[i];
    auto at = [&] { return path(vocab_where, i); };  // paths are built only for errors
    if (!entry.is_array() || entry.size() != 2) fail_type(at(), "a [piece, score] pair", entry);
    pieces.push_back({as_string(entry[0], [&] { return path(at(), size_t{0}); }),
                      as_double(entry[1], [&] { return path(at(), size_t{1}); })});
  }
  std::optional<int32_t> unk_id;
  if (const Json* unk = optional_member(j, "unk_id")) {
    const uint32_t id = as_u32(*unk, path(where, "unk_id"));
    if (id >= pieces.size())
      fail(path(where, "unk_id"), std::to_string(id) + " is outside the vocabulary of " +
                                      std::to_string(pieces.size()) + " pieces");
    unk_id = static_cast<int32_t>(id);
  }
  const bool byte_fallback = bool_member(j, "byte_fallback", where, false);
  return std::make_unique<UnigramModel>(std::move(pieces), unk_id, byte_fallback, where);
}

}  // namespace xenc
