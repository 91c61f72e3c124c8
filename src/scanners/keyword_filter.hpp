// scanners/keyword_filter.hpp: which of a set of literal keywords a text holds, in one pass of
// Hyperscan (a literal set runs several times faster there than the same alternation in RE2,
// and most of the text an image holds has none of them). The secret scanner's prefilter.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.hpp"

struct hs_database;
struct hs_scratch;

namespace dagda::scanners {

struct Keyword {
  std::string text;       // a literal, not empty
  unsigned id = 0;        // what a match reports (several keywords may share one)
  bool caseless = false;  // ASCII letters match in any case
};

class KeywordFilter {
 public:
  // `piece`: the most bytes handed to Hyperscan at once (its lengths are 32-bit); a longer text
  // is matched in pieces that overlap by the longest keyword less one byte.
  static Result<std::unique_ptr<KeywordFilter>> create(const std::vector<Keyword>& keywords,
                                                       size_t piece = size_t{1} << 30);
  ~KeywordFilter();
  KeywordFilter(const KeywordFilter&) = delete;
  KeywordFilter& operator=(const KeywordFilter&) = delete;

  // The ids of the keywords `text` holds, sorted, each once. False when Hyperscan failed: the
  // caller must then act as if every keyword occurred. Safe from several threads at once.
  bool match(std::string_view text, std::vector<unsigned>& ids) const;

 private:
  KeywordFilter() = default;
  hs_scratch* acquire() const;  // null when no scratch space can be made
  void release(hs_scratch* s) const;

  hs_database* db_ = nullptr;
  size_t longest_ = 1;
  size_t piece_ = 0;
  mutable std::mutex mu_;
  mutable std::vector<hs_scratch*> free_;  // scratch space, one per thread scanning at once; [0] is kept to clone
};

}  // namespace dagda::scanners
