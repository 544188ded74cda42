#include "runtime/tokenizer/added_vocabulary.h"

#include <algorithm>
#include <unordered_set>

#include "runtime/tokenizer/json_access.h"
#include "runtime/tokenizer/unicode.h"

namespace xenc {

using namespace json_access;

AddedToken read_added_token(const Json& j, const std::string& where) {
  AddedToken t;
  t.content = string_member(j, "content", where);
  t.single_word = bool_member(j, "single_word", where, false);
  t.lstrip = bool_member(j, "lstrip", where, false);
  t.rstrip = bool_member(j, "rstrip", where, false);
  t.special = bool_member(j, "special", where, false);
  // HF's default: special tokens are matched on the raw text, others after normalization.
  t.normalized = bool_member(j, "normalized", where, !t.special);
  return t;
}

namespace {

char32_t first_char(std::string_view s) {
  size_t pos = 0;
  return unicode::next_code_point(s, pos);
}

// Start of the last character of non-empty `s` (at most 3 continuation bytes back).
size_t last_char_start(std::string_view s) {
  size_t i = s.size() - 1;
  while (i > 0 && s.size() - i < 4 && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) --i;
  return i;
}

char32_t last_char(std::string_view s) { return first_char(s.substr(last_char_start(s))); }

// Start of the whitespace run that ends `s` (HF: the match of \s*$).
size_t trailing_space_start(std::string_view s) {
  size_t end = s.size();
  while (end > 0) {
    const size_t start = last_char_start(s.substr(0, end));
    if (!unicode::is_whitespace(first_char(s.substr(start, end - start)))) break;
    end = start;
  }
  return end;
}

// Length of the whitespace run that starts `s` (HF: the match of ^\s*).
size_t leading_space_length(std::string_view s) {
  size_t pos = 0;
  while (pos < s.size()) {
    size_t next = pos;
    if (!unicode::is_whitespace(unicode::next_code_point(s, next))) break;
    pos = next;
  }
  return pos;
}

}  // namespace

AddedVocabulary::AddedVocabulary(const std::vector<AddedToken>& tokens, const TokenModel& model,
                                 const Normalizer* normalizer) {
  // Replays HF's add_tokens: special tokens form one list, the others a second one.
  std::vector<const AddedToken*> specials, classics;
  std::unordered_set<std::string> special_contents;
  for (const AddedToken& token : tokens) {
    if (token.special && !token.content.empty() && special_contents.insert(token.content).second)
      specials.push_back(&token);
    const bool known = std::any_of(options_.begin(), options_.end(), [&](const auto& e) { return e.second == token; });
    if (token.content.empty() || known) continue;
    std::optional<int32_t> id = token_to_id(token.content);
    if (!id) id = model.token_to_id(token.content);
    if (!id) {
      const auto vocab_size = static_cast<int32_t>(model.vocab_size());
      id = vocab_size;
      if (!ids_.empty()) {
        int32_t max_id = 0;
        for (const auto& [content, existing] : ids_) max_id = std::max(max_id, existing);
        if (max_id >= vocab_size || vocab_size == 0) id = max_id + 1;
      }
    }
    ids_.insert_or_assign(token.content, *id);
    options_.insert_or_assign(*id, token);
    if (!special_contents.contains(token.content)) classics.push_back(&token);
  }

  std::vector<std::pair<std::string, int32_t>> raw, normalized;
  for (const auto* list : {&specials, &classics}) {
    for (const AddedToken* token : *list) {
      const int32_t id = *token_to_id(token->content);
      if (!token->normalized) {
        raw.emplace_back(token->content, id);
        continue;
      }
      std::string pattern = token->content;
      if (normalizer != nullptr) normalizer->normalize(pattern);
      normalized.emplace_back(std::move(pattern), id);
    }
  }
  raw_ = build_matcher(std::move(raw));
  normalized_ = build_matcher(std::move(normalized));
}

AddedVocabulary::Matcher AddedVocabulary::build_matcher(std::vector<std::pair<std::string, int32_t>> patterns) {
  Matcher m;
  std::vector<ByteTrie::Entry> entries;
  std::unordered_set<std::string_view> seen;  // views into `patterns`, which stays put
  for (const auto& [pattern, id] : patterns) {
    // Equal patterns: the first one listed wins, as in the Aho-Corasick automaton HF builds.
    if (pattern.empty() || !seen.insert(pattern).second) continue;
    entries.push_back({pattern, static_cast<int32_t>(m.ids.size())});
    m.ids.push_back(id);
  }
  m.trie = ByteTrie(std::move(entries));  // copies what it needs from the keys
  return m;
}

std::optional<int32_t> AddedVocabulary::token_to_id(std::string_view content) const {
  auto it = ids_.find(content);
  if (it == ids_.end()) return std::nullopt;
  return it->second;
}

std::vector<AddedVocabulary::Match> AddedVocabulary::find_matches(std::string_view text, const Matcher& matcher) const {
  std::vector<Match> matches;
  if (matcher.ids.empty()) return matches;
  size_t covered = 0;  // end of the previous accepted match, after its rstrip
  size_t search = 0;   // the scan resumes after each match, accepted or not
  while (search < text.size()) {
    size_t start = search, length = 0;
    int32_t index = -1;
    for (; start < text.size(); ++start) {
      std::tie(length, index) = matcher.trie.longest_prefix(text.substr(start));
      if (length > 0) break;
    }
    if (length == 0) break;
    size_t stop = start + length;
    search = stop;
    const int32_t id = matcher.ids[static_cast<size_t>(index)];
    const AddedToken& token = options_.at(id);
    if (token.single_word) {
      // HF's regexes \w$ and ^\w (Rust's regex crate).
      const bool space_before = start == 0 || !unicode::is_regex_word(last_char(text.substr(0, start)));
      const bool space_after = stop == text.size() || !unicode::is_regex_word(first_char(text.substr(stop)));
      if (!space_before || !space_after) continue;
    }
    if (token.lstrip) start = std::max(trailing_space_start(text.substr(0, start)), covered);
    if (token.rstrip) stop += leading_space_length(text.substr(stop));
    start = std::max(start, covered);
    matches.push_back({start, stop, id});
    covered = stop;
  }
  return matches;
}

void AddedVocabulary::split_normalized(std::string normalized, std::vector<Segment>& out) const {
  size_t pos = 0;
  for (const Match& m : find_matches(normalized, normalized_)) {
    if (m.start > pos) out.push_back({normalized.substr(pos, m.start - pos), -1});
    out.push_back({{}, m.id});
    pos = m.end;
  }
  if (pos == 0 && !normalized.empty())
    out.push_back({std::move(normalized), -1});  // no match: hand the string over without a copy
  else if (pos > 0 && pos < normalized.size())
    out.push_back({normalized.substr(pos), -1});
}

void AddedVocabulary::split(std::string_view text, const Normalizer* normalizer, std::vector<Segment>& out) const {
  auto normalize_gap = [&](std::string_view gap) {
    if (gap.empty()) return;
    std::string normalized(gap);
    if (normalizer != nullptr) normalizer->normalize(normalized);
    split_normalized(std::move(normalized), out);
  };
  size_t pos = 0;
  for (const Match& m : find_matches(text, raw_)) {
    normalize_gap(text.substr(pos, m.start - pos));
    out.push_back({{}, m.id});
    pos = m.end;
  }
  normalize_gap(text.substr(pos));
}

}  // namespace xenc
